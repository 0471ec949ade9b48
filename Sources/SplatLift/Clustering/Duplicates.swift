/// Exact duplicates: per point the smallest index of the points with the same coordinates.
///
/// Identical points tie on every edge weight, and the tie-break by index would make every one of
/// them search through all the others (quadratic in the group). Under the spanning tree's order a
/// duplicate's edges never beat its representative's (same weight and length, larger index), so
/// only representatives search and only they are taken as other ends (`ComponentRound`).
enum Duplicates {
    static func representatives(points: [Float], dimension d: Int) -> [Int32] {
        let n = points.count / d
        let order = (0..<n).sorted { i, j in
            for c in 0..<d where points[i * d + c] != points[j * d + c] { return points[i * d + c] < points[j * d + c] }
            return i < j
        }
        var representative = [Int32](repeating: 0, count: n)
        var first = order.first ?? 0
        for p in order {
            if (0..<d).contains(where: { points[p * d + $0] != points[first * d + $0] }) { first = p }
            representative[p] = Int32(first)
        }
        return representative
    }
}
