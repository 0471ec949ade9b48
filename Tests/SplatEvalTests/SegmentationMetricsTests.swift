import Foundation
import SplatMath
import Testing
@testable import SplatEval

@Suite struct SegmentationMetricsTests {
    @Test func boundaryMatchesIteratedErosion() throws {
        var rng = SplatRandom(seed: 3)
        for trial in 0..<60 {
            let w = 1 + rng.int(below: 30), h = 1 + rng.int(below: 25), d = 1 + rng.int(below: 5)
            var mask = [UInt8](repeating: 0, count: w * h)
            // Blobs plus noise, often touching the image border.
            for _ in 0..<3 {
                let x0 = rng.int(below: w), y0 = rng.int(below: h)
                for y in y0..<min(h, y0 + rng.int(below: h + 1)) {
                    for x in x0..<min(w, x0 + rng.int(below: w + 1)) { mask[y * w + x] = 1 }
                }
            }
            if trial % 3 == 0 { for _ in 0..<(w * h / 10) { mask[rng.int(below: w * h)] ^= 1 } }
            let fast = try BoundaryMask.boundary(of: mask, width: w, height: h, d: d)
            let slow = SegmentationReference.boundary(of: mask, width: w, height: h, d: d)
            #expect(fast == slow, "trial \(trial) \(w)x\(h) d=\(d)")
        }
    }

    /// Boundary IoU on the crop around both masks equals the whole-image definition.
    @Test func boundaryIoUOnCropsMatchesWholeImages() throws {
        for seed in UInt64(90)...93 {
            let views = try RandomMaps.views(seed: seed, count: 2, width: 40, height: 30, gtIDs: 5, predIDs: 5)
            let options = SegmentationOptions(predictionVoid: 0)
            let indexed = IndexedViews(views: views, options: options)
            for (v, view) in indexed.views.enumerated() {
                let d = BoundaryMask.width(imageWidth: view.width, imageHeight: view.height)
                for (g, gid) in indexed.gtIndex.ids.enumerated() where view.gtBoxes[g] != nil {
                    for (p, pid) in indexed.predIndex.ids.enumerated() {
                        let fast = view.boundaryIoU(gtSegment: g, predSegment: p, d: d)
                        let slow = SegmentationReference.boundaryIoU(views[v], gt: gid, pred: pid, options: options)
                        #expect(abs(fast - slow) < 1e-12, "seed \(seed) view \(v) gt \(gid) pred \(pid)")
                    }
                }
            }
        }
    }

    @Test func boundaryWidthFollowsTheFormula() {
        #expect(BoundaryMask.width(imageWidth: 640, imageHeight: 480) == 16)      // 0.02·800
        #expect(BoundaryMask.width(imageWidth: 64, imageHeight: 48) == 2)         // 0.02·80 = 1.6
        #expect(BoundaryMask.width(imageWidth: 10, imageHeight: 10) == 1)         // max(1, 0)
    }

    @Test func iouMatrixMatchesReference() throws {
        for seed in UInt64(1)...6 {
            let views = try RandomMaps.views(seed: seed, count: 3, width: 20 + Int(seed), height: 15, gtIDs: 6, predIDs: 7)
            for options in [SegmentationOptions(), SegmentationOptions(groundTruthVoid: nil, predictionVoid: 0)] {
                let fast = IndexedViews(views: views, options: options)
                let matrix = InstanceIoUMatrix(tables: fast.views.map(\.table), gtCount: fast.gtIndex.count,
                                               predCount: fast.predIndex.count)
                let reference = SegmentationReference.iouMatrix(views, options: options)
                #expect(fast.gtIndex.ids == reference.gt)
                #expect(fast.predIndex.ids == reference.pred)
                #expect(matrix.iou.count == reference.iou.count)
                for (a, b) in zip(matrix.iou, reference.iou) { #expect(abs(a - b) < 1e-12) }
            }
        }
    }

    @Test func panopticMatchesReference() throws {
        let semantics: [Int32: Int32] = [1: 0, 2: 1, 3: 1, 4: 2, 5: 2]   // 6 has no category: void
        for seed in UInt64(10)...17 {
            let views = try RandomMaps.views(seed: seed, count: 3, width: 22, height: 17, gtIDs: 6, predIDs: 5)
            let optionSets = [
                SegmentationOptions(predictionVoid: 0),
                SegmentationOptions(groundTruthVoid: 0, predictionVoid: 0, semantics: semantics, stuffCategories: [0, 2]),
                SegmentationOptions(groundTruthVoid: 0, predictionVoid: 0, semantics: semantics, robustFraction: 0.2),
            ]
            for options in optionSets {
                let fast = try SegmentationMetrics.scene(views, options: options).panoptic
                let slow = SegmentationReference.panoptic(views, options: options)
                #expect(abs(fast.pq - slow.pq) < 1e-12 && abs(fast.sq - slow.sq) < 1e-12 && abs(fast.rq - slow.rq) < 1e-12,
                        "seed \(seed): \(fast) vs \(slow)")
            }
        }
    }

    /// One view, GT [1 1 2 2], prediction [5 5 5 7]: IoU(1,5) = 2/3, IoU(2,5) = 1/4, IoU(2,7) = 1/2.
    @Test func handComputedTinyCase() throws {
        let view = try SegmentationView(width: 4, height: 1, groundTruth: [1, 1, 2, 2], prediction: [5, 5, 5, 7])
        let s = try SegmentationMetrics.scene([view])
        #expect(abs(s.meanIoU - 7.0 / 12.0) < 1e-12)         // 1→5, 2→7
        #expect(s.matches.map(\.predictedID) == [5, 7])
        #expect(s.precision == 0.5 && s.recall == 0.5 && s.fScore == 0.5)   // IoU 0.5 is not a hit
        #expect(abs(s.panoptic.pq - 1.0 / 3.0) < 1e-12)      // TP (1,5); FP 7; FN 2
        #expect(abs(s.panoptic.sq - 2.0 / 3.0) < 1e-12 && abs(s.panoptic.rq - 0.5) < 1e-12)
        // 4×1 image: d = 1 and every pixel touches the border, so boundaries are the masks.
        #expect(abs(s.matches[0].boundaryIoU - 2.0 / 3.0) < 1e-12)
    }

    /// Fewer predictions than GT: unmatched GT count 0 in the mean (padding to max(#GT, #pred)).
    @Test func paddingCountsUnmatchedGroundTruth() throws {
        let view = try SegmentationView(width: 3, height: 1, groundTruth: [1, 2, 3], prediction: [9, 9, 9])
        let s = try SegmentationMetrics.scene([view])
        #expect(abs(s.meanIoU - (1.0 / 3.0) / 3.0) < 1e-12)
        #expect(s.precision == 0 && s.recall == 0 && s.fScore == 0)
        #expect(s.matches.compactMap(\.predictedID).count == 1)
    }

    /// An instance absent from a view does not dilute its average; a prediction missing in a view
    /// where the instance is present scores 0 there.
    @Test func averagesOverViewsWhereTheInstanceAppears() throws {
        let a = try SegmentationView(width: 2, height: 1, groundTruth: [1, 2], prediction: [7, 8])
        let b = try SegmentationView(width: 2, height: 1, groundTruth: [1, 1], prediction: [7, 7])
        let c = try SegmentationView(width: 2, height: 1, groundTruth: [2, 2], prediction: [7, 7])
        let s = try SegmentationMetrics.scene([a, b, c])
        // GT1: views a, b → IoU(1,7) = 1, 1. GT2: views a, c → IoU(2,8) = (1 + 0)/2, IoU(2,7) = (0 + 1)/2.
        #expect(abs(s.matches[0].iou - 1) < 1e-12 && abs(s.matches[1].iou - 0.5) < 1e-12)
        #expect(s.matches[0].views == 2 && s.matches[1].views == 2)
    }

    @Test func hungarianMatchesBruteForce() throws {
        for seed in UInt64(30)...40 {
            let views = try RandomMaps.views(seed: seed, count: 2, width: 16, height: 12, gtIDs: 5, predIDs: 4)
            let s = try SegmentationMetrics.scene(views)
            let reference = SegmentationReference.iouMatrix(views, options: SegmentationOptions())
            let best = bruteForceMaximum(reference.iou, rows: reference.gt.count, cols: reference.pred.count)
            #expect(abs(s.meanIoU * Double(reference.gt.count) - best) < 1e-9)
        }
    }

    @Test func relabellingPredictionsChangesNothing() throws {
        for seed in UInt64(50)...54 {
            let views = try RandomMaps.views(seed: seed, count: 3, width: 24, height: 18, gtIDs: 6, predIDs: 8)
            var rng = SplatRandom(seed: seed)
            var targets = (0..<200).map { Int32(1000 + $0) }
            targets.shuffle(using: &rng)
            let relabelled = try views.map { v in
                try SegmentationView(width: v.width, height: v.height, groundTruth: v.groundTruth,
                                     prediction: v.prediction.map { $0 == 0 ? 0 : targets[Int($0) % 200] })
            }
            for options in [SegmentationOptions(predictionVoid: 0)] {
                let a = try SegmentationMetrics.scene(views, options: options)
                let b = try SegmentationMetrics.scene(relabelled, options: options)
                #expect(abs(a.meanIoU - b.meanIoU) < 1e-12 && a.fScore == b.fScore)
                #expect(abs(a.meanBoundaryIoU - b.meanBoundaryIoU) < 1e-12)
                #expect(abs(a.panoptic.pq - b.panoptic.pq) < 1e-12)
                let c = try SegmentationMetrics.perView(views, options: options)
                let d = try SegmentationMetrics.perView(relabelled, options: options)
                #expect(abs(c.meanIoU - d.meanIoU) < 1e-12 && abs(c.panoptic.pq - d.panoptic.pq) < 1e-12)
            }
        }
    }

    @Test func perfectPredictionScoresOne() throws {
        let views = try RandomMaps.views(seed: 70, count: 3, width: 30, height: 20, gtIDs: 7, predIDs: 3, gtVoid: false)
        let perfect = try views.map {
            try SegmentationView(width: $0.width, height: $0.height, groundTruth: $0.groundTruth,
                                 prediction: $0.groundTruth.map { 500 - $0 })
        }
        for s in [try SegmentationMetrics.scene(perfect), try SegmentationMetrics.perView(perfect)] {
            #expect(s.meanIoU == 1 && s.precision == 1 && s.recall == 1 && s.fScore == 1)
            #expect(s.meanBoundaryIoU == 1 && s.panoptic.pq == 1 && s.panoptic.sq == 1 && s.panoptic.rq == 1)
        }
    }

    /// Perfect masks with ids permuted per view: perfect per view, penalised by the scene protocol.
    @Test func perViewMatchingForgivesInconsistentIDs() throws {
        let views = try RandomMaps.views(seed: 80, count: 4, width: 30, height: 20, gtIDs: 6, predIDs: 3, gtVoid: false)
        var rng = SplatRandom(seed: 81)
        let masks = try views.map { v in
            var perm = (1...6).map { Int32($0) }
            perm.shuffle(using: &rng)
            return try SegmentationView(width: v.width, height: v.height, groundTruth: v.groundTruth,
                                        prediction: v.groundTruth.map { perm[Int($0) - 1] })
        }
        let report = try SegmentationReport(predicted: views, masks: masks)
        let maskScores = try #require(report.inputMasks)
        #expect(maskScores.meanIoU == 1 && maskScores.panoptic.pq == 1 && maskScores.fScore == 1)
        let sceneOfMasks = try SegmentationMetrics.scene(masks, options: .inputMasks)
        #expect(sceneOfMasks.meanIoU < 0.9)
        #expect(report.summary.contains("input masks (per-view matching): mIoU 1.0000"))
    }

    @Test func scoresRoundTripThroughJSON() throws {
        let views = try OracleMaps.views(seed: 7)
        let report = try SegmentationReport(predicted: views, options: SegmentationOptions(predictionVoid: 0), masks: views)
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(SegmentationReport.self, from: data) == report)
    }

    @Test func badInputThrows() {
        #expect(throws: SplatError.self) { try SegmentationView(width: 2, height: 2, groundTruth: [1, 2, 3], prediction: [1, 2, 3, 4]) }
        #expect(throws: SplatError.self) { try SegmentationMetrics.scene([]) }
        #expect(throws: SplatError.self) { try BoundaryMask.boundary(of: [1, 0, 1], width: 2, height: 2, d: 1) }
        #expect(throws: SplatError.self) { try BoundaryMask.boundary(of: [1, 0, 1, 1], width: 2, height: 2, d: 0) }
    }

    private func bruteForceMaximum(_ m: [Double], rows: Int, cols: Int) -> Double {
        var best = 0.0
        func search(_ r: Int, _ used: inout [Bool], _ total: Double) {
            if r == rows { best = max(best, total); return }
            search(r + 1, &used, total)                       // row left unmatched (padding column)
            for c in 0..<cols where !used[c] {
                used[c] = true
                search(r + 1, &used, total + m[r * cols + c])
                used[c] = false
            }
        }
        var used = [Bool](repeating: false, count: cols)
        search(0, &used, 0)
        return best
    }
}
