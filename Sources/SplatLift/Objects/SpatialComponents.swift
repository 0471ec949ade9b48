/// Connected parts of a point set on a voxel grid: points fall into cubic cells of side `cell`,
/// two occupied cells touch when they differ by at most one in each axis (26-neighbourhood), and a
/// component is a connected set of occupied cells. So points closer than `cell` are always in one
/// component, and points more than 2√3·`cell` apart are only through others.
public enum SpatialComponents {
    /// The component of each point of `points` (indices into `means`, xyz per Gaussian), numbered
    /// 0, 1, … in the order of their first point.
    public static func label(_ points: [Int], means: [Float], cell: Float) -> [Int] {
        precondition(cell > 0, "cell size must be positive")
        var cellOf = [SIMD3<Int32>: Int]()
        var cellOfPoint = [Int](repeating: 0, count: points.count)
        for (k, i) in points.enumerated() {
            let key = cellKey(means, i, cell)
            if let c = cellOf[key] { cellOfPoint[k] = c } else { cellOfPoint[k] = cellOf.count; cellOf[key] = cellOf.count }
        }
        var parent = Array(0..<cellOf.count)
        func root(_ c: Int) -> Int {
            var c = c
            while parent[c] != c { parent[c] = parent[parent[c]]; c = parent[c] }
            return c
        }
        for (key, c) in cellOf {
            for dz in Int32(-1)...1 { for dy in Int32(-1)...1 { for dx in Int32(-1)...1 {
                guard let other = cellOf[key &+ SIMD3(dx, dy, dz)] else { continue }
                let (a, b) = (root(c), root(other))
                if a != b { parent[max(a, b)] = min(a, b) }
            } } }
        }
        var number = [Int: Int]()
        return cellOfPoint.map { c in
            let r = root(c)
            if let n = number[r] { return n }
            number[r] = number.count
            return number.count - 1
        }
    }

    /// The cell of point i (coordinates that are not finite or lie beyond 2³⁰ cells fall into cell 0).
    static func cellKey(_ means: [Float], _ i: Int, _ cell: Float) -> SIMD3<Int32> {
        let scaled = SIMD3<Float>(means[3 * i], means[3 * i + 1], means[3 * i + 2]) / cell
        let limit = SIMD3<Float>(repeating: 0x1p30)
        let usable = (scaled .== scaled) .& (scaled .<= limit) .& (scaled .>= -limit)
        return SIMD3<Int32>(scaled.replacing(with: 0, where: .!usable).rounded(.down))
    }
}
