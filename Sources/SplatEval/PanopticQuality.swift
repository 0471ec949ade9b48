/// Panoptic quality and its two factors (METHOD.md §4.2).
public struct PanopticScores: Codable, Sendable, Equatable {
    /// Mean over the scored categories of Σ_TP IoU / (TP + ½FP + ½FN).
    public var pq: Double
    /// Mean over the scored categories of Σ_TP IoU / TP (0 for a category without TP).
    public var sq: Double
    /// Mean over the scored categories of TP / (TP + ½FP + ½FN).
    public var rq: Double
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    /// Categories that entered the means.
    public var categories: Int

    public init(pq: Double, sq: Double, rq: Double, truePositives: Int, falsePositives: Int,
                falseNegatives: Int, categories: Int) {
        self.pq = pq; self.sq = sq; self.rq = rq
        self.truePositives = truePositives; self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives; self.categories = categories
    }
}

/// PQ on a segment-level contingency table (the torchmetrics / Panoptic-Lifting algorithm that
/// Contrastive Lift runs on all test views concatenated):
/// - a (GT, predicted) pair of the same category is a TP when IoU > 0.5, where the union leaves out
///   the predicted segment's pixels on GT void and the GT segment's pixels predicted void;
/// - an unmatched GT segment is an FN unless more than half of it is predicted void;
/// - an unmatched predicted segment is an FP unless more than half of it lies on GT void;
/// - a category whose GT and predicted pixels are both under `robustFraction` of all pixels is dropped;
/// - PQ, SQ, RQ are means over the categories with TP + FP + FN > 0.
enum PanopticQuality {
    static func compute(table: ContingencyTable, gtCategory: [Int32], predCategory: [Int32],
                        robustFraction: Double) -> PanopticScores {
        let gtN = table.gtCount, predN = table.predCount
        var gtArea = [Int](repeating: 0, count: gtN)
        var predArea = [Int](repeating: 0, count: predN)
        var total = 0
        for g in 0...gtN {
            for p in 0...predN {
                let c = table[g, p]
                total += c
                if g < gtN { gtArea[g] += c }
                if p < predN { predArea[p] += c }
            }
        }
        var gtMatched = [Bool](repeating: false, count: gtN)
        var predMatched = [Bool](repeating: false, count: predN)
        var iouSum = [Int32: Double](), tp = [Int32: Int](), fp = [Int32: Int](), fn = [Int32: Int]()
        for g in 0..<gtN {
            for p in 0..<predN where gtCategory[g] == predCategory[p] {
                let inter = table[g, p]
                if inter == 0 { continue }
                let union = predArea[p] - table[table.voidRow, p] + gtArea[g] - table[g, table.voidCol] - inter
                let iou = Double(inter) / Double(union)
                if iou > 0.5 {
                    gtMatched[g] = true
                    predMatched[p] = true
                    iouSum[gtCategory[g], default: 0] += iou
                    tp[gtCategory[g], default: 0] += 1
                }
            }
        }
        for g in 0..<gtN where !gtMatched[g] && gtArea[g] > 0 {
            if 2 * table[g, table.voidCol] <= gtArea[g] { fn[gtCategory[g], default: 0] += 1 }
        }
        for p in 0..<predN where !predMatched[p] && predArea[p] > 0 {
            if 2 * table[table.voidRow, p] <= predArea[p] { fp[predCategory[p], default: 0] += 1 }
        }
        // Robust rule: pixel shares per category.
        var gtShare = [Int32: Int](), predShare = [Int32: Int]()
        for g in 0..<gtN { gtShare[gtCategory[g], default: 0] += gtArea[g] }
        for p in 0..<predN { predShare[predCategory[p], default: 0] += predArea[p] }
        let categories = Set(gtShare.keys).union(predShare.keys).sorted()
        var pq = 0.0, sq = 0.0, rq = 0.0, scored = 0
        var tpTotal = 0, fpTotal = 0, fnTotal = 0
        for c in categories {
            let limit = robustFraction * Double(total)
            if Double(gtShare[c] ?? 0) < limit && Double(predShare[c] ?? 0) < limit { continue }
            let t = tp[c] ?? 0, f = fp[c] ?? 0, n = fn[c] ?? 0
            let denominator = Double(t) + 0.5 * Double(f) + 0.5 * Double(n)
            guard denominator > 0 else { continue }
            let s = iouSum[c] ?? 0
            pq += s / denominator
            sq += t > 0 ? s / Double(t) : 0
            rq += Double(t) / denominator
            scored += 1
            tpTotal += t; fpTotal += f; fnTotal += n
        }
        let k = Double(max(scored, 1))
        return PanopticScores(pq: pq / k, sq: sq / k, rq: rq / k, truePositives: tpTotal,
                              falsePositives: fpTotal, falseNegatives: fnTotal, categories: scored)
    }
}
