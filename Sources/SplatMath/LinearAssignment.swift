/// Rectangular minimum-cost linear assignment (the Hungarian method in its shortest-augmenting-path
/// form with dual potentials, O(n²·m) for n ≤ m), the drop-in for `scipy.optimize.linear_sum_assignment`
/// that the Unified-Lift ID mapping uses (METHOD.md §1.3(c).3).
public enum LinearAssignment {
    /// Assigns every row of the row-major `rows`×`cols` matrix `cost` to a distinct column so that the
    /// total cost is minimal. Returns, for each row, its column, or −1 for the rows left out when
    /// `rows > cols` (exactly `min(rows, cols)` rows are assigned).
    ///
    /// NaN entries count as 0 (as METHOD.md §1.3(c).3 replaces them before scipy). ±∞ entries are
    /// clamped to ±(a bound larger than any finite total), so they are avoided (or preferred) whenever a
    /// finite alternative exists. A `cost` of the wrong length yields all −1.
    public static func solve(cost: [Double], rows: Int, cols: Int) -> [Int] {
        guard rows > 0, cols > 0, cost.count == rows * cols else {
            return [Int](repeating: -1, count: max(rows, 0))
        }
        let clean = sanitized(cost)
        if rows <= cols {
            return solveWide(clean, n: rows, m: cols)
        }
        // More rows than columns: solve the transpose, which assigns every column to a row.
        var transposed = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols { transposed[c * rows + r] = clean[r * cols + c] }
        }
        let colToRow = solveWide(transposed, n: cols, m: rows)
        var rowToCol = [Int](repeating: -1, count: rows)
        for (c, r) in colToRow.enumerated() where r >= 0 { rowToCol[r] = c }
        return rowToCol
    }

    /// Total cost of an assignment returned by `solve` (NaN entries counted as 0).
    public static func totalCost(_ assignment: [Int], cost: [Double], cols: Int) -> Double {
        var total = 0.0
        for (r, c) in assignment.enumerated() where c >= 0 {
            let value = cost[r * cols + c]
            total += value.isNaN ? 0 : value
        }
        return total
    }

    /// NaN → 0; ±∞ → ±bound with bound above (max finite |cost| + 1) times the matrix size.
    static func sanitized(_ cost: [Double]) -> [Double] {
        var maxFinite = 0.0
        var hasInfinity = false
        for value in cost {
            if value.isFinite { maxFinite = max(maxFinite, abs(value)) } else if value.isInfinite { hasInfinity = true }
        }
        let bound = (maxFinite + 1) * Double(cost.count + 1) * 4
        if !hasInfinity && !cost.contains(where: \.isNaN) { return cost }
        return cost.map { value in
            if value.isNaN { return 0 }
            if value.isInfinite { return value > 0 ? bound : -bound }
            return value
        }
    }

    /// The core for n ≤ m: rows are added one at a time and each is routed to a free column along a
    /// shortest augmenting path in reduced costs (Dijkstra over columns with potentials u, v).
    /// Returns row → column.
    static func solveWide(_ a: [Double], n: Int, m: Int) -> [Int] {
        // 1-based columns with column 0 as the virtual source, as in the classic formulation.
        var u = [Double](repeating: 0, count: n + 1)
        var v = [Double](repeating: 0, count: m + 1)
        var rowOfColumn = [Int](repeating: 0, count: m + 1)   // 0 = free; else 1-based row
        var previous = [Int](repeating: 0, count: m + 1)
        var minReduced = [Double](repeating: 0, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        a.withUnsafeBufferPointer { a in
            for row in 1...n {
                rowOfColumn[0] = row
                var j0 = 0
                for j in 0...m { minReduced[j] = .infinity; used[j] = false }
                repeat {
                    used[j0] = true
                    let i0 = rowOfColumn[j0]
                    let base = (i0 - 1) * m - 1
                    let ui0 = u[i0]
                    var delta = Double.infinity
                    var j1 = 0
                    for j in 1...m where !used[j] {
                        let reduced = a[base + j] - ui0 - v[j]
                        if reduced < minReduced[j] { minReduced[j] = reduced; previous[j] = j0 }
                        if minReduced[j] < delta { delta = minReduced[j]; j1 = j }
                    }
                    for j in 0...m {
                        if used[j] {
                            u[rowOfColumn[j]] += delta
                            v[j] -= delta
                        } else {
                            minReduced[j] -= delta
                        }
                    }
                    j0 = j1
                } while rowOfColumn[j0] != 0
                // Flip the augmenting path back to the source.
                repeat {
                    let j1 = previous[j0]
                    rowOfColumn[j0] = rowOfColumn[j1]
                    j0 = j1
                } while j0 != 0
            }
        }
        var result = [Int](repeating: -1, count: n)
        for j in 1...m where rowOfColumn[j] != 0 { result[rowOfColumn[j] - 1] = j - 1 }
        return result
    }
}
