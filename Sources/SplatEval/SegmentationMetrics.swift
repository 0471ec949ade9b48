import SplatMath

/// One GT instance and what it was matched to.
public struct InstanceMatch: Codable, Sendable, Equatable {
    public var groundTruthID: Int32
    /// The predicted id matched to it in the scene protocol; nil when unmatched or per view.
    public var predictedID: Int32?
    /// Its IoU, averaged over the views in which it appears.
    public var iou: Double
    /// Its boundary IoU, averaged likewise.
    public var boundaryIoU: Double
    /// Number of test views in which it appears.
    public var views: Int
}

/// Segmentation scores of one id-map source under one protocol; `Codable` for metrics.json.
public struct SegmentationScores: Codable, Sendable, Equatable {
    /// "scene" (one GT→id matching for all views) or "per-view" (a matching per view).
    public var protocolName: String
    public var views: Int
    public var groundTruthInstances: Int
    /// Distinct predicted ids (scene) or the sum over views of the ids present (per view).
    public var predictedSegments: Int
    /// Mean over GT instances of the matched IoU (0 when unmatched), METHOD.md §4.3.
    public var meanIoU: Double
    /// Hits / predicted segments, a hit being a matched pair with IoU > 0.5.
    public var precision: Double
    /// Hits / GT instances.
    public var recall: Double
    /// 2PR/(P+R).
    public var fScore: Double
    /// Mean over GT instances of the matched pair's boundary IoU (METHOD.md §4.1 boundaries).
    public var meanBoundaryIoU: Double
    /// PQ^scene (scene) or the mean per-view PQ (per view), METHOD.md §4.2.
    public var panoptic: PanopticScores
    public var matches: [InstanceMatch]
}

/// Segmentation metrics over a set of test views (METHOD.md §4).
///
/// Two protocols:
/// - **scene** (for a lifted, cross-view consistent prediction): the §4.3 IoU matrix between every
///   GT id and every predicted id (each entry averaged over the views in which the GT instance
///   appears), one Hungarian matching maximising total IoU on the matrix zero-padded to
///   #GT × max(#GT, #pred); mIoU = Σ matched IoU / #GT; precision = hits/#pred, recall = hits/#GT
///   with hits = matched pairs with IoU > 0.5; F = 2PR/(P+R). Boundary IoU per matched pair, averaged
///   over the same views, mean over #GT. PQ^scene on all views concatenated into one image.
/// - **per-view** (for per-view SAM masks, whose ids mean nothing across views): the same sums, but
///   the GT→id matching is redone in every view (Hungarian on that view's IoUs between the GT ids
///   and the ids present in it). Instance i's IoU is the mean over the views where it appears of its
///   IoU with its match in that view, and mIoU/mBIoU are means over all GT instances as above, so the
///   two protocols weigh instances and views identically and differ only in the matching. A hit is a
///   (view, instance) match with IoU > 0.5; precision = hits / Σ_views #ids present, recall = hits /
///   Σ_views #GT present. PQ is computed on each view alone and averaged over views. Per-view
///   matching is the most favourable reading of inconsistent masks: lifting gains on it are real.
public enum SegmentationMetrics {
    /// Scores consistent predictions with one matching for the whole scene.
    public static func scene(_ views: [SegmentationView], options: SegmentationOptions = SegmentationOptions()) throws -> SegmentationScores {
        let indexed = try prepare(views, options: options)
        let gtN = indexed.gtIndex.count, predN = indexed.predIndex.count
        let matrix = InstanceIoUMatrix(tables: indexed.views.map(\.table), gtCount: gtN, predCount: predN)
        let matching = InstanceMatching(iou: matrix.iou, gtCount: gtN, predCount: predN)
        var matches = [InstanceMatch]()
        for g in 0..<gtN {
            let p = matching.predForGT[g]
            var biou = 0.0
            if p >= 0 {
                for view in indexed.views where view.gtBoxes[g] != nil {
                    biou += view.boundaryIoU(gtSegment: g, predSegment: p, d: boundaryWidth(view))
                }
                biou /= Double(max(matrix.viewsPresent[g], 1))
            }
            matches.append(InstanceMatch(groundTruthID: indexed.gtIndex.ids[g],
                                         predictedID: p >= 0 ? indexed.predIndex.ids[p] : nil,
                                         iou: matching.matchedIoU[g], boundaryIoU: biou,
                                         views: matrix.viewsPresent[g]))
        }
        let total = indexed.views.dropFirst().reduce(indexed.views[0].table) { $0 + $1.table }
        return scores(protocolName: "scene", views: views.count, matches: matches, hits: matching.hits(),
                      predicted: predN, gtPresent: gtN, panoptic: indexed.panoptic(table: total))
    }

    /// Scores per-view label maps with a matching per view (see the type's description).
    public static func perView(_ views: [SegmentationView], options: SegmentationOptions = SegmentationOptions()) throws -> SegmentationScores {
        let indexed = try prepare(views, options: options)
        let gtN = indexed.gtIndex.count, predN = indexed.predIndex.count
        var iouSum = [Double](repeating: 0, count: gtN)
        var biouSum = [Double](repeating: 0, count: gtN)
        var present = [Int](repeating: 0, count: gtN)
        var hits = 0, predicted = 0, gtPresent = 0
        var pq = PanopticScores(pq: 0, sq: 0, rq: 0, truePositives: 0, falsePositives: 0, falseNegatives: 0, categories: 0)
        var pqViews = 0
        for view in indexed.views {
            let matrix = InstanceIoUMatrix(tables: [view.table], gtCount: gtN, predCount: predN)
            let rows = (0..<gtN).filter { matrix.viewsPresent[$0] > 0 }
            let predArea = view.table.predAreasOnValidGT()
            let cols = (0..<predN).filter { predArea[$0] > 0 }
            var local = [Double](repeating: 0, count: rows.count * cols.count)
            for (r, g) in rows.enumerated() {
                for (c, p) in cols.enumerated() { local[r * cols.count + c] = matrix[g, p] }
            }
            let matching = InstanceMatching(iou: local, gtCount: rows.count, predCount: cols.count)
            let d = boundaryWidth(view)
            for (r, g) in rows.enumerated() {
                let c = matching.predForGT[r]
                present[g] += 1
                iouSum[g] += matching.matchedIoU[r]
                if c >= 0 { biouSum[g] += view.boundaryIoU(gtSegment: g, predSegment: cols[c], d: d) }
            }
            hits += matching.hits()
            predicted += cols.count
            gtPresent += rows.count
            let viewPQ = indexed.panoptic(table: view.table)
            if viewPQ.categories > 0 {
                pq.pq += viewPQ.pq; pq.sq += viewPQ.sq; pq.rq += viewPQ.rq
                pq.truePositives += viewPQ.truePositives
                pq.falsePositives += viewPQ.falsePositives
                pq.falseNegatives += viewPQ.falseNegatives
                pq.categories = max(pq.categories, viewPQ.categories)
                pqViews += 1
            }
        }
        if pqViews > 0 {
            pq.pq /= Double(pqViews); pq.sq /= Double(pqViews); pq.rq /= Double(pqViews)
        }
        let matches = (0..<gtN).map { g in
            let n = Double(max(present[g], 1))
            return InstanceMatch(groundTruthID: indexed.gtIndex.ids[g], predictedID: nil,
                                 iou: iouSum[g] / n, boundaryIoU: biouSum[g] / n, views: present[g])
        }
        return scores(protocolName: "per-view", views: views.count, matches: matches, hits: hits,
                      predicted: predicted, gtPresent: gtPresent, panoptic: pq)
    }

    private static func prepare(_ views: [SegmentationView], options: SegmentationOptions) throws -> IndexedViews {
        guard !views.isEmpty else { throw SplatError("no test views to score") }
        return IndexedViews(views: views, options: options)
    }

    /// The boundary width d of a view, from its own size.
    private static func boundaryWidth(_ view: IndexedView) -> Int {
        BoundaryMask.width(imageWidth: view.width, imageHeight: view.height)
    }

    private static func scores(protocolName: String, views: Int, matches: [InstanceMatch], hits: Int,
                               predicted: Int, gtPresent: Int, panoptic: PanopticScores) -> SegmentationScores {
        let gtN = Double(max(matches.count, 1))
        let precision = predicted > 0 ? Double(hits) / Double(predicted) : 0
        let recall = gtPresent > 0 ? Double(hits) / Double(gtPresent) : 0
        let f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return SegmentationScores(
            protocolName: protocolName, views: views, groundTruthInstances: matches.count,
            predictedSegments: predicted,
            meanIoU: matches.reduce(0) { $0 + $1.iou } / gtN,
            precision: precision, recall: recall, fScore: f,
            meanBoundaryIoU: matches.reduce(0) { $0 + $1.boundaryIoU } / gtN,
            panoptic: panoptic, matches: matches)
    }
}
