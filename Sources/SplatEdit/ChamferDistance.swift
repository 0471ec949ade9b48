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
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for q in (c * n / chunks)..<((c + 1) * n / chunks) {
                    o.pointer[q] = grid.nearest(Vec3(Double(queries[3 * q]), Double(queries[3 * q + 1]), Double(queries[3 * q + 2])))
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
        // About four points per cell of the (flatness-clamped) box: O(n) cells, short searches.
        let maxSide = max(extent.x, extent.y, extent.z, 1e-9)
        let volume = max(extent.x, maxSide / 64) * max(extent.y, maxSide / 64) * max(extent.z, maxSide / 64)
        let cell = cbrt(volume * 4 / Double(n))
        let dims = (Int(extent.x / cell) + 1, Int(extent.y / cell) + 1, Int(extent.z / cell) + 1)
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
        let qc = [Int(((q.x - origin.x) / cell).rounded(.down)), Int(((q.y - origin.y) / cell).rounded(.down)),
                  Int(((q.z - origin.z) / cell).rounded(.down))]
        let d = [dims.0, dims.1, dims.2]
        var start = 0, end = 0
        for a in 0..<3 {
            start = max(start, qc[a] < 0 ? -qc[a] : (qc[a] >= d[a] ? qc[a] - d[a] + 1 : 0))
            end = max(end, max(qc[a], d[a] - 1 - qc[a]))
        }
        var best2 = Double.infinity
        var r = start
        while r <= end {
            for z in max(0, qc[2] - r)...min(d[2] - 1, qc[2] + r) {
                for y in max(0, qc[1] - r)...min(d[1] - 1, qc[1] + r) {
                    let onShellYZ = abs(z - qc[2]) == r || abs(y - qc[1]) == r
                    let xs = onShellYZ ? Array(max(0, qc[0] - r)...min(d[0] - 1, qc[0] + r))
                                       : [qc[0] - r, qc[0] + r].filter { $0 >= 0 && $0 < d[0] }
                    for x in xs {
                        let c = (z * d[1] + y) * d[0] + x
                        for s in cellStart[c]..<cellStart[c + 1] {
                            let i = Int(order[s])
                            let dx = Double(points[3 * i]) - q.x, dy = Double(points[3 * i + 1]) - q.y
                            let dz = Double(points[3 * i + 2]) - q.z
                            best2 = min(best2, dx * dx + dy * dy + dz * dz)
                        }
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
