import Foundation
import Testing
@testable import SplatMath

@Suite struct LinearAssignmentTests {
    /// Minimum total over every assignment of min(rows, cols) rows to distinct columns.
    static func bruteForceMinimum(_ cost: [Double], rows: Int, cols: Int) -> Double {
        let skipsAllowed = rows - min(rows, cols)
        var best = Double.infinity
        var usedColumns = [Bool](repeating: false, count: cols)
        func visit(_ row: Int, _ skips: Int, _ total: Double) {
            if row == rows { best = min(best, total); return }
            if skips < skipsAllowed { visit(row + 1, skips + 1, total) }
            for c in 0..<cols where !usedColumns[c] {
                usedColumns[c] = true
                visit(row + 1, skips, total + (cost[row * cols + c].isNaN ? 0 : cost[row * cols + c]))
                usedColumns[c] = false
            }
        }
        visit(0, 0, 0)
        return best
    }

    /// Distinct columns, in range, exactly min(rows, cols) rows assigned.
    static func isValid(_ assignment: [Int], rows: Int, cols: Int) -> Bool {
        guard assignment.count == rows else { return false }
        let assigned = assignment.filter { $0 >= 0 }
        return assigned.count == min(rows, cols) && Set(assigned).count == assigned.count
            && assigned.allSatisfy { $0 < cols }
    }

    static func check(rows: Int, cols: Int, tieLevels: Int?, rng: inout SplatRandom) {
        let cost = (0..<rows * cols).map { _ -> Double in
            if let tieLevels { return Double(rng.int(below: tieLevels)) }
            return rng.uniform() * 10 - 5
        }
        let assignment = LinearAssignment.solve(cost: cost, rows: rows, cols: cols)
        #expect(isValid(assignment, rows: rows, cols: cols), "invalid \(rows)x\(cols): \(assignment)")
        let total = LinearAssignment.totalCost(assignment, cost: cost, cols: cols)
        let best = bruteForceMinimum(cost, rows: rows, cols: cols)
        #expect(abs(total - best) < 1e-9, "\(rows)x\(cols): got \(total), brute force \(best)")
    }

    @Test func matchesBruteForceOnSquareMatrices() {
        var rng = SplatRandom(seed: 1)
        for n in 1...6 { for _ in 0..<30 { Self.check(rows: n, cols: n, tieLevels: nil, rng: &rng) } }
    }

    @Test func matchesBruteForceOnWideAndTallMatrices() {
        var rng = SplatRandom(seed: 2)
        for rows in 1...6 {
            for cols in 1...6 where rows != cols {
                for _ in 0..<20 { Self.check(rows: rows, cols: cols, tieLevels: nil, rng: &rng) }
            }
        }
    }

    @Test func matchesBruteForceWithManyTies() {
        var rng = SplatRandom(seed: 3)
        for rows in 1...6 {
            for cols in 1...6 {
                for _ in 0..<15 { Self.check(rows: rows, cols: cols, tieLevels: 3, rng: &rng) }
            }
        }
        // All equal: any full assignment is optimal.
        let flat = LinearAssignment.solve(cost: [Double](repeating: 2, count: 12), rows: 3, cols: 4)
        #expect(Self.isValid(flat, rows: 3, cols: 4))
    }

    @Test func handlesKnownCasesNaNAndInfinity() {
        // scipy's docstring example: rows → [1, 0, 2], total 5.
        let example: [Double] = [4, 1, 3, 2, 0, 5, 3, 2, 2]
        #expect(LinearAssignment.solve(cost: example, rows: 3, cols: 3) == [1, 0, 2])
        // NaN counts as 0, so it is the cheapest entry of its row here.
        let withNaN: [Double] = [.nan, 1, 1, 0.5]
        #expect(LinearAssignment.solve(cost: withNaN, rows: 2, cols: 2) == [0, 1])
        // +∞ is avoided when a finite assignment exists.
        let withInfinity: [Double] = [.infinity, 100, 1, 1]
        #expect(LinearAssignment.solve(cost: withInfinity, rows: 2, cols: 2) == [1, 0])
        // A tall matrix leaves the most expensive row out.
        let tall: [Double] = [5, 9, 0, 1, 9, 0]
        #expect(LinearAssignment.solve(cost: tall, rows: 3, cols: 2) == [-1, 0, 1])
        // Wrong size or empty input does not crash.
        #expect(LinearAssignment.solve(cost: [1, 2, 3], rows: 2, cols: 2) == [-1, -1])
        #expect(LinearAssignment.solve(cost: [], rows: 0, cols: 5) == [])
    }

    @Test func solves256By256InAFewMilliseconds() {
        var rng = SplatRandom(seed: 4)
        let n = 256
        let cost = (0..<n * n).map { _ in -rng.uniform() * 100 }
        _ = LinearAssignment.solve(cost: cost, rows: n, cols: n)   // warm-up
        let start = DispatchTime.now().uptimeNanoseconds
        let assignment = LinearAssignment.solve(cost: cost, rows: n, cols: n)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        #expect(Self.isValid(assignment, rows: n, cols: n))
        // Optimality certificate: no improving 2-swap exists in an optimal assignment.
        var improvingSwap = false
        for a in 0..<n {
            for b in (a + 1)..<n {
                let now = cost[a * n + assignment[a]] + cost[b * n + assignment[b]]
                let swapped = cost[a * n + assignment[b]] + cost[b * n + assignment[a]]
                if swapped < now - 1e-9 { improvingSwap = true }
            }
        }
        #expect(!improvingSwap)
        print("LinearAssignment 256x256: \(String(format: "%.2f", ms)) ms")
        #expect(ms < 200, "256x256 took \(ms) ms")
    }
}
