import SplatMath

/// The Gaga / METHOD.md §4.3 IoU matrix: entry (g, p) is the IoU of GT instance g and predicted
/// segment p, averaged over the views in which g appears (a view where p is absent counts 0).
/// GT-void pixels are left out of both masks; predicted-void pixels belong to no segment.
struct InstanceIoUMatrix: Sendable {
    let gtCount: Int
    let predCount: Int
    /// Row-major gtCount × predCount.
    var iou: [Double]
    /// Number of views in which each GT instance appears.
    var viewsPresent: [Int]

    @inline(__always) subscript(g: Int, p: Int) -> Double { iou[g * predCount + p] }

    init(tables: [ContingencyTable], gtCount: Int, predCount: Int) {
        self.gtCount = gtCount
        self.predCount = predCount
        var sum = [Double](repeating: 0, count: gtCount * predCount)
        var present = [Int](repeating: 0, count: gtCount)
        for table in tables {
            let gtArea = table.gtAreas()
            let predArea = table.predAreasOnValidGT()
            for g in 0..<gtCount where gtArea[g] > 0 {
                present[g] += 1
                for p in 0..<predCount {
                    let inter = table[g, p]
                    if inter == 0 { continue }
                    sum[g * predCount + p] += Double(inter) / Double(gtArea[g] + predArea[p] - inter)
                }
            }
        }
        for g in 0..<gtCount where present[g] > 0 {
            for p in 0..<predCount { sum[g * predCount + p] /= Double(present[g]) }
        }
        iou = sum
        viewsPresent = present
    }
}

/// The Hungarian matching of §4.3 on an IoU matrix and the scores read from it.
struct InstanceMatching: Sendable {
    /// For each GT row, its predicted column, or −1 when it was matched to a padding column.
    var predForGT: [Int]
    /// The IoU of each GT row with its match (0 for padding).
    var matchedIoU: [Double]

    /// Maximises the total IoU over a gtCount × max(gtCount, predCount) matrix whose padding columns
    /// are 0, as `linear_sum_assignment(maximize=True)` on Gaga's zero-padded matrix.
    init(iou: [Double], gtCount: Int, predCount: Int) {
        let cols = max(gtCount, predCount)
        var cost = [Double](repeating: 0, count: gtCount * cols)
        for g in 0..<gtCount {
            for p in 0..<predCount { cost[g * cols + p] = -iou[g * predCount + p] }
        }
        let assignment = gtCount == 0 ? [] : LinearAssignment.solve(cost: cost, rows: gtCount, cols: cols)
        predForGT = assignment.map { $0 < predCount ? $0 : -1 }
        matchedIoU = (0..<gtCount).map { g in
            let p = assignment[g]
            return p >= 0 && p < predCount ? iou[g * predCount + p] : 0
        }
    }

    /// Number of matched pairs with IoU above `threshold` (0.5 in §4.3).
    func hits(above threshold: Double = 0.5) -> Int { matchedIoU.reduce(0) { $0 + ($1 > threshold ? 1 : 0) } }
}
