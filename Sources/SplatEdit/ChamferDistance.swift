import Dispatch
import Foundation
import SplatMath

/// Symmetric Chamfer distance between point sets and point sampling of meshes.
public enum ChamferDistance {
    /// ½ (mean over a of min_b |a − b| + mean over b of min_a |a − b|): plain (not squared)
    /// Euclidean distances, so the value is a length. Points are flat xyz triples.
    public static func symmetric(_ a: [Float], _ b: [Float]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .infinity }
        let ab = nearestDistances(from: a, to: b), ba = nearestDistances(from: b, to: a)
        return 0.5 * (ab.reduce(0, +) / Double(ab.count) + ba.reduce(0, +) / Double(ba.count))
    }

    /// For each query point, the distance to the nearest target point, through a uniform grid over
    /// the targets searched in growing shells of cells (exact, not approximate).
    public static func nearestDistances(from queries: [Float], to targets: [Float]) -> [Double] {
        let grid = PointGrid(targets)
        let n = queries.count / 3
        var out = [Double](repeating: .infinity, count: n)
        out.withUnsafeMutableBufferPointer { buffer in
            let o = SendablePointer(buffer.baseAddress!)
            let chunks = max(1, min(64, n / 256))
            parallelChunks(chunks, threads: 0) { c in
                for q in chunkRange(c, of: chunks, count: n) {
                    o.base[q] = grid.nearest(Vec3(Double(queries[3 * q]), Double(queries[3 * q + 1]), Double(queries[3 * q + 2])))
                }
            }
        }
        return out
    }

    /// `count` points spread uniformly over the mesh surface (area-weighted triangles, uniform
    /// barycentric positions), reproducible from `seed`.
    public static func samplePoints(on mesh: TriangleMesh, count: Int, seed: UInt64) -> [Float] {
        guard mesh.triangleCount > 0, count > 0 else { return [] }
        var cumulative = [Double]()
        cumulative.reserveCapacity(mesh.triangleCount)
        var total = 0.0
        for t in 0..<mesh.triangleCount {
            let (a, b, c) = mesh.corners(t)
            total += 0.5 * (b - a).cross(c - a).length
            cumulative.append(total)
        }
        var rng = SplatRandom(seed: seed)
        var out = [Float]()
        out.reserveCapacity(3 * count)
        for _ in 0..<count {
            let target = rng.uniform() * total
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            let (a, b, c) = mesh.corners(lo)
            let r1 = rng.uniform().squareRoot(), r2 = rng.uniform()
            let p = a * (1 - r1) + b * (r1 * (1 - r2)) + c * (r1 * r2)
            out += [Float(p.x), Float(p.y), Float(p.z)]
        }
        return out
    }
}

/// Target points bucketed into cubic cells (counting sort), about two points per cell.
struct PointGrid: Sendable {
    let points: [Float]
    let origin: Vec3
    let cell: Double
    let dims: (Int, Int, Int)
    let cellStart: [Int]       // prefix offsets into `order`, one per cell + 1
    let order: [Int32]

    init(_ points: [Float]) {
        self.points = points
        let n = max(points.count / 3, 1)
        var lo = Vec3(.infinity, .infinity, .infinity), hi = -lo
        for i in 0..<(points.count / 3) {
            for a in 0..<3 {
                lo[a] = min(lo[a], Double(points[3 * i + a]))
                hi[a] = max(hi[a], Double(points[3 * i + a]))
            }
        }
        if points.isEmpty { lo = .zero; hi = .zero }
        let extent = hi - lo
        // Start at about four points per cell of the (flatness-clamped) box; points on a surface
        // crowd into few cells, so halve the cell while occupied cells hold more than eight points
        // on average and the grid stays within 16 cells per point.
        let maxSide = max(extent.x, extent.y, extent.z, 1e-9)
        let volume = max(extent.x, maxSide / 64) * max(extent.y, maxSide / 64) * max(extent.z, maxSide / 64)
        var cell = cbrt(volume * 4 / Double(n))
        func dimensions(_ cell: Double) -> (Int, Int, Int) {
            (Int(extent.x / cell) + 1, Int(extent.y / cell) + 1, Int(extent.z / cell) + 1)
        }
        while true {
            let d = dimensions(cell / 2)
            guard d.0 * d.1 * d.2 <= 16 * n else { break }
            var occupied = Set<Int>()
            for i in 0..<(points.count / 3) { occupied.insert(Self.cellIndex(points, i, lo, cell, dimensions(cell))) }
            guard n > 8 * occupied.count else { break }
            cell /= 2
        }
        let dims = dimensions(cell)
        self.origin = lo
        self.cell = cell
        self.dims = dims
        let cells = dims.0 * dims.1 * dims.2
        var counts = [Int](repeating: 0, count: cells + 1)
        var cellOf = [Int](repeating: 0, count: points.count / 3)
        for i in 0..<(points.count / 3) {
            let c = Self.cellIndex(points, i, lo, cell, dims)
            cellOf[i] = c
            counts[c + 1] += 1
        }
        for c in 0..<cells { counts[c + 1] += counts[c] }
        var fill = counts
        var order = [Int32](repeating: 0, count: points.count / 3)
        for i in 0..<(points.count / 3) {
            order[fill[cellOf[i]]] = Int32(i)
            fill[cellOf[i]] += 1
        }
        self.cellStart = counts
        self.order = order
    }

    private static func cellIndex(_ p: [Float], _ i: Int, _ lo: Vec3, _ cell: Double, _ dims: (Int, Int, Int)) -> Int {
        let x = min(dims.0 - 1, max(0, Int((Double(p[3 * i]) - lo.x) / cell)))
        let y = min(dims.1 - 1, max(0, Int((Double(p[3 * i + 1]) - lo.y) / cell)))
        let z = min(dims.2 - 1, max(0, Int((Double(p[3 * i + 2]) - lo.z) / cell)))
        return (z * dims.1 + y) * dims.0 + x
    }

    /// Exact nearest distance: shells of cells at Chebyshev distance r around the query's cell;
    /// points beyond shell r are at least r·cell away, so the search stops once best ≤ r·cell.
    func nearest(_ q: Vec3) -> Double {
        if order.isEmpty { return .infinity }
        let cx = Int(((q.x - origin.x) / cell).rounded(.down))
        let cy = Int(((q.y - origin.y) / cell).rounded(.down))
        let cz = Int(((q.z - origin.z) / cell).rounded(.down))
        let (dx, dy, dz) = dims
        func outside(_ c: Int, _ n: Int) -> Int { c < 0 ? -c : (c >= n ? c - n + 1 : 0) }
        let start = max(outside(cx, dx), outside(cy, dy), outside(cz, dz))
        let end = max(cx, dx - 1 - cx, cy, dy - 1 - cy, cz, dz - 1 - cz)
        var best2 = Double.infinity
        var r = start
        while r <= end {
            for z in max(0, cz - r)...min(dz - 1, cz + r) {
                for y in max(0, cy - r)...min(dy - 1, cy + r) {
                    // On the shell's y/z faces every x; inside them only x = cx ± r.
                    let full = abs(z - cz) == r || abs(y - cy) == r
                    let step = full ? 1 : 2 * r
                    var x = full ? max(0, cx - r) : cx - r
                    let last = full ? min(dx - 1, cx + r) : cx + r
                    while x <= last {
                        if x >= 0 && x < dx {
                            let c = (z * dy + y) * dx + x
                            for s in cellStart[c]..<cellStart[c + 1] {
                                let i = Int(order[s])
                                let ex = Double(points[3 * i]) - q.x, ey = Double(points[3 * i + 1]) - q.y
                                let ez = Double(points[3 * i + 2]) - q.z
                                best2 = min(best2, ex * ex + ey * ey + ez * ez)
                            }
                        }
                        x += step
                    }
                }
            }
            let reach = Double(r) * cell
            if best2 <= reach * reach { break }
            r += 1
        }
        return best2.squareRoot()
    }
}
