/// Pixel counts of every (GT segment, predicted segment) pair, with one extra row and column for
/// void: row `rows − 1` is GT void, column `cols − 1` is predicted void. Row-major.
struct ContingencyTable: Sendable, Equatable {
    let gtCount: Int
    let predCount: Int
    var counts: [Int]

    init(gtCount: Int, predCount: Int) {
        self.gtCount = gtCount
        self.predCount = predCount
        counts = [Int](repeating: 0, count: (gtCount + 1) * (predCount + 1))
    }

    var cols: Int { predCount + 1 }
    var voidRow: Int { gtCount }
    var voidCol: Int { predCount }

    @inline(__always) subscript(g: Int, p: Int) -> Int { counts[g * (predCount + 1) + p] }

    /// Counts dense index maps (−1 = void) of one view.
    static func count(gt: [Int32], pred: [Int32], gtCount: Int, predCount: Int) -> ContingencyTable {
        var table = ContingencyTable(gtCount: gtCount, predCount: predCount)
        let cols = predCount + 1
        table.counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<gt.count {
                let g = gt[i] < 0 ? gtCount : Int(gt[i])
                let p = pred[i] < 0 ? predCount : Int(pred[i])
                c[g * cols + p] += 1
            }
        }
        return table
    }

    static func + (a: ContingencyTable, b: ContingencyTable) -> ContingencyTable {
        var sum = a
        for i in 0..<sum.counts.count { sum.counts[i] += b.counts[i] }
        return sum
    }

    /// GT segment areas, void-predicted pixels included.
    func gtAreas() -> [Int] {
        (0..<gtCount).map { g in (0...predCount).reduce(0) { $0 + self[g, $1] } }
    }

    /// Predicted segment areas over non-void GT pixels.
    func predAreasOnValidGT() -> [Int] {
        (0..<predCount).map { p in (0..<gtCount).reduce(0) { $0 + self[$1, p] } }
    }

    /// Merges rows and columns into coarser segments: `gtGroup[g]`/`predGroup[p]` give the new
    /// index, −1 sends the segment to void.
    func grouped(gtGroup: [Int], gtGroups: Int, predGroup: [Int], predGroups: Int) -> ContingencyTable {
        var out = ContingencyTable(gtCount: gtGroups, predCount: predGroups)
        for g in 0...gtCount {
            let ng = g == gtCount || gtGroup[g] < 0 ? gtGroups : gtGroup[g]
            for p in 0...predCount {
                let count = self[g, p]
                if count == 0 { continue }
                let np = p == predCount || predGroup[p] < 0 ? predGroups : predGroup[p]
                out.counts[ng * (predGroups + 1) + np] += count
            }
        }
        return out
    }
}
