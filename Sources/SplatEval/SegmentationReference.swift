/// Slow, obviously correct references for the segmentation kernels (Double, naive loops over
/// pixels), held against the fast code by the tests.
enum SegmentationReference {
    /// METHOD.md §4.3 literally: for every (GT id, predicted id), the IoU in every view in which the
    /// GT id appears, averaged. GT-void pixels are dropped; predicted-void pixels are in no mask.
    static func iouMatrix(_ views: [SegmentationView], options: SegmentationOptions) -> (gt: [Int32], pred: [Int32], iou: [Double]) {
        var gtIDs = Set<Int32>(), predIDs = Set<Int32>()
        for v in views {
            for i in 0..<v.groundTruth.count where v.groundTruth[i] != options.groundTruthVoid {
                gtIDs.insert(v.groundTruth[i])
                if v.prediction[i] != options.predictionVoid { predIDs.insert(v.prediction[i]) }
            }
        }
        let gt = gtIDs.sorted(), pred = predIDs.sorted()
        var iou = [Double](repeating: 0, count: gt.count * pred.count)
        for (g, gid) in gt.enumerated() {
            for (p, pid) in pred.enumerated() {
                var sum = 0.0, n = 0
                for v in views where v.groundTruth.contains(gid) {
                    var inter = 0.0, union = 0.0
                    for i in 0..<v.groundTruth.count where v.groundTruth[i] != options.groundTruthVoid {
                        let a = v.groundTruth[i] == gid
                        let b = v.prediction[i] == pid && v.prediction[i] != options.predictionVoid
                        if a && b { inter += 1 }
                        if a || b { union += 1 }
                    }
                    sum += inter / union
                    n += 1
                }
                iou[g * pred.count + p] = n > 0 ? sum / Double(n) : 0
            }
        }
        return (gt, pred, iou)
    }

    /// A pixel's panoptic "colour": (category, instance); nil = void.
    struct Color: Hashable { var category: Int32; var instance: Int32 }

    /// METHOD.md §4.2 on all views concatenated, written as the torchmetrics algorithm: colour
    /// areas and pair intersections in dictionaries, then TP/FP/FN with the void rules.
    static func panoptic(_ views: [SegmentationView], options: SegmentationOptions) -> (pq: Double, sq: Double, rq: Double) {
        func gtColor(_ id: Int32) -> Color? {
            if id == options.groundTruthVoid { return nil }
            guard let semantics = options.semantics else { return Color(category: 0, instance: id) }
            guard let c = semantics[id] else { return nil }
            return Color(category: c, instance: options.stuffCategories.contains(c) ? 0 : id)
        }
        // Predicted categories: given, majority GT category, or 0.
        var predCategory = [Int32: Int32]()
        if let given = options.predictionSemantics {
            predCategory = given
        } else if options.semantics != nil {
            var votes = [Int32: [Int32: Int]]()
            for v in views {
                for i in 0..<v.prediction.count {
                    guard let c = gtColor(v.groundTruth[i]) else { continue }
                    votes[v.prediction[i], default: [:]][c.category, default: 0] += 1
                }
            }
            for (id, counts) in votes {
                predCategory[id] = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
            }
        }
        func predColor(_ id: Int32) -> Color? {
            if id == options.predictionVoid { return nil }
            if options.semantics == nil && options.predictionSemantics == nil { return Color(category: 0, instance: id) }
            guard let c = predCategory[id] else { return nil }
            return Color(category: c, instance: options.stuffCategories.contains(c) ? 0 : id)
        }
        struct Pair: Hashable { var pred: Color?; var gt: Color? }
        var predArea = [Color: Double](), gtArea = [Color: Double](), inter = [Pair: Double]()
        var total = 0.0
        for v in views {
            for i in 0..<v.groundTruth.count {
                let g = gtColor(v.groundTruth[i]), p = predColor(v.prediction[i])
                if let p { predArea[p, default: 0] += 1 }
                if let g { gtArea[g, default: 0] += 1 }
                inter[Pair(pred: p, gt: g), default: 0] += 1
                total += 1
            }
        }
        var tp = [Int32: Double](), fp = [Int32: Double](), fn = [Int32: Double](), iouSum = [Int32: Double]()
        var predMatched = Set<Color>(), gtMatched = Set<Color>()
        for (pair, area) in inter {
            guard let g = pair.gt, let p = pair.pred, g.category == p.category else { continue }
            let union = predArea[p]! - (inter[Pair(pred: p, gt: nil)] ?? 0) + gtArea[g]! - (inter[Pair(pred: nil, gt: g)] ?? 0) - area
            let iou = area / union
            if iou > 0.5 {
                predMatched.insert(p); gtMatched.insert(g)
                iouSum[g.category, default: 0] += iou
                tp[g.category, default: 0] += 1
            }
        }
        for (g, area) in gtArea where !gtMatched.contains(g) {
            if (inter[Pair(pred: nil, gt: g)] ?? 0) / area <= 0.5 { fn[g.category, default: 0] += 1 }
        }
        for (p, area) in predArea where !predMatched.contains(p) {
            if (inter[Pair(pred: p, gt: nil)] ?? 0) / area <= 0.5 { fp[p.category, default: 0] += 1 }
        }
        var gtShare = [Int32: Double](), predShare = [Int32: Double]()
        for (g, a) in gtArea { gtShare[g.category, default: 0] += a }
        for (p, a) in predArea { predShare[p.category, default: 0] += a }
        var pq = 0.0, sq = 0.0, rq = 0.0, n = 0.0
        for c in Set(gtShare.keys).union(predShare.keys) {
            if (gtShare[c] ?? 0) < options.robustFraction * total && (predShare[c] ?? 0) < options.robustFraction * total { continue }
            let t = tp[c] ?? 0, denominator = t + 0.5 * (fp[c] ?? 0) + 0.5 * (fn[c] ?? 0)
            if denominator == 0 { continue }
            pq += (iouSum[c] ?? 0) / denominator
            sq += t > 0 ? (iouSum[c] ?? 0) / t : 0
            rq += t / denominator
            n += 1
        }
        return n > 0 ? (pq / n, sq / n, rq / n) : (0, 0, 0)
    }

    /// Boundary by the definition: `d` iterations of a 3×3 erosion on the mask zero-padded by 1 px.
    static func boundary(of mask: [UInt8], width: Int, height: Int, d: Int) -> [UInt8] {
        let pw = width + 2, ph = height + 2
        var padded = [UInt8](repeating: 0, count: pw * ph)
        for y in 0..<height { for x in 0..<width { padded[(y + 1) * pw + x + 1] = mask[y * width + x] != 0 ? 1 : 0 } }
        for _ in 0..<d {
            var next = padded
            for y in 0..<ph {
                for x in 0..<pw {
                    var all: UInt8 = 1
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let yy = y + dy, xx = x + dx
                            // Outside the padded image the erosion border is "max" (OpenCV's default).
                            if yy < 0 || yy >= ph || xx < 0 || xx >= pw { continue }
                            all &= padded[yy * pw + xx]
                        }
                    }
                    next[y * pw + x] = all
                }
            }
            padded = next
        }
        var out = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let m = mask[y * width + x] != 0
                out[y * width + x] = m && padded[(y + 1) * pw + x + 1] == 0 ? 1 : 0
            }
        }
        return out
    }

    /// Boundary IoU of GT id `gt` and predicted id `pred` on one whole view, boundaries by
    /// `boundary(of:)`, counted over the pixels whose GT is not void.
    static func boundaryIoU(_ view: SegmentationView, gt: Int32, pred: Int32, options: SegmentationOptions) -> Double {
        let d = BoundaryMask.width(imageWidth: view.width, imageHeight: view.height)
        let a = boundary(of: view.groundTruth.map { $0 == gt ? 1 : 0 }, width: view.width, height: view.height, d: d)
        let b = boundary(of: view.prediction.map { $0 == pred && $0 != options.predictionVoid ? 1 : 0 },
                         width: view.width, height: view.height, d: d)
        var inter = 0.0, union = 0.0
        for i in 0..<a.count where view.groundTruth[i] != options.groundTruthVoid {
            if a[i] != 0 && b[i] != 0 { inter += 1 }
            if a[i] != 0 || b[i] != 0 { union += 1 }
        }
        return union > 0 ? inter / union : 0
    }
}
