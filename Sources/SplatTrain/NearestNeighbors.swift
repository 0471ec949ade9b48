import Foundation
import SplatMath

/// A static k-d tree over 3-D points for k-nearest-neighbour queries (O(N log N) build,
/// about O(log N) per query), replacing 3DGS's simple-knn CUDA module.
public struct KDTree3: Sendable {
    private let points: [Float]          // 3·P, xyz per point
    private var order: [Int32]           // permutation: leaves hold contiguous ranges
    private var splitAxis: [Int8]        // per heap-numbered node; -1 = leaf
    private var splitValue: [Float]
    private static let leafSize = 8

    /// Builds the tree over `points` (3·P floats). Non-finite coordinates are allowed but are never
    /// anyone's useful neighbour.
    public init(points: [Float]) {
        precondition(points.count % 3 == 0)
        self.points = points
        let n = points.count / 3
        order = (0..<n).map { Int32($0) }
        var nodes = 1
        while nodes * Self.leafSize < n { nodes *= 2 }
        splitAxis = [Int8](repeating: -1, count: 4 * nodes)
        splitValue = [Float](repeating: 0, count: 4 * nodes)
        build(node: 0, lo: 0, hi: n)
    }

    public var count: Int { points.count / 3 }

    private mutating func build(node: Int, lo: Int, hi: Int) {
        guard hi - lo > Self.leafSize, node < splitAxis.count else { return }
        var minC = [Float](repeating: .infinity, count: 3), maxC = [Float](repeating: -.infinity, count: 3)
        for k in lo..<hi {
            let p = Int(order[k]) * 3
            for a in 0..<3 { minC[a] = min(minC[a], points[p + a]); maxC[a] = max(maxC[a], points[p + a]) }
        }
        var axis = 0
        for a in 1..<3 where maxC[a] - minC[a] > maxC[axis] - minC[axis] { axis = a }
        let pts = points
        order[lo..<hi].sort { (pts[Int($0) * 3 + axis], $0) < (pts[Int($1) * 3 + axis], $1) }
        let mid = (lo + hi) / 2
        splitAxis[node] = Int8(axis)
        splitValue[node] = points[Int(order[mid]) * 3 + axis]
        build(node: 2 * node + 1, lo: lo, hi: mid)
        build(node: 2 * node + 2, lo: mid, hi: hi)
    }

    /// For every point, the mean squared distance to its `k` nearest other points (3DGS's
    /// `distCUDA2` for k = 3). Points with fewer than k others average over those available.
    public func meanSquaredNeighbourDistances(k: Int, threads: Int = 0) -> [Float] {
        let n = count
        var out = [Float](repeating: 0, count: n)
        if n <= 1 { return out }
        let kk = min(k, n - 1)
        let chunk = 2048, chunks = (n + chunk - 1) / chunk
        out.withUnsafeMutableBufferPointer { ob in
            let o = SendablePointer(ob.baseAddress!)
            parallelChunks(chunks, threads: threads) { c in
                var best = [Float](repeating: .infinity, count: kk)
                for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                    for j in 0..<kk { best[j] = .infinity }
                    let q = (points[3 * i], points[3 * i + 1], points[3 * i + 2])
                    search(node: 0, lo: 0, hi: n, query: q, exclude: i, best: &best)
                    var sum: Float = 0
                    for j in 0..<kk { sum += best[j] }
                    o.base[i] = sum / Float(kk)
                }
            }
        }
        return out
    }

    /// The index of the point nearest to `q` (the lowest index on ties), or nil for an empty tree.
    public func nearest(to q: (Float, Float, Float)) -> Int? {
        var best = (index: -1, distance: Float.infinity)
        nearest(node: 0, lo: 0, hi: count, query: q, best: &best)
        return best.index >= 0 ? best.index : nil
    }

    private func nearest(node: Int, lo: Int, hi: Int, query q: (Float, Float, Float),
                         best: inout (index: Int, distance: Float)) {
        if node >= splitAxis.count || splitAxis[node] < 0 {
            for k in lo..<hi {
                let idx = Int(order[k])
                let dx = points[3 * idx] - q.0, dy = points[3 * idx + 1] - q.1, dz = points[3 * idx + 2] - q.2
                let d = dx * dx + dy * dy + dz * dz
                if d < best.distance || (d == best.distance && idx < best.index) { best = (idx, d) }
            }
            return
        }
        let axis = Int(splitAxis[node])
        let diff = (axis == 0 ? q.0 : (axis == 1 ? q.1 : q.2)) - splitValue[node]
        let mid = (lo + hi) / 2
        let (near, far) = diff < 0 ? ((2 * node + 1, lo, mid), (2 * node + 2, mid, hi))
                                   : ((2 * node + 2, mid, hi), (2 * node + 1, lo, mid))
        nearest(node: near.0, lo: near.1, hi: near.2, query: q, best: &best)
        if diff * diff <= best.distance { nearest(node: far.0, lo: far.1, hi: far.2, query: q, best: &best) }
    }

    /// `best` holds the kk smallest squared distances found so far, ascending.
    private func search(node: Int, lo: Int, hi: Int, query q: (Float, Float, Float), exclude: Int,
                        best: inout [Float]) {
        let last = best.count - 1
        if node >= splitAxis.count || splitAxis[node] < 0 {
            for k in lo..<hi {
                let idx = Int(order[k])
                if idx == exclude { continue }
                let dx = points[3 * idx] - q.0, dy = points[3 * idx + 1] - q.1, dz = points[3 * idx + 2] - q.2
                let d = dx * dx + dy * dy + dz * dz
                if d < best[last] {
                    var j = last
                    while j > 0 && best[j - 1] > d { best[j] = best[j - 1]; j -= 1 }
                    best[j] = d
                }
            }
            return
        }
        let axis = Int(splitAxis[node])
        let coordinate = axis == 0 ? q.0 : (axis == 1 ? q.1 : q.2)
        let diff = coordinate - splitValue[node]
        let mid = (lo + hi) / 2
        if diff < 0 {
            search(node: 2 * node + 1, lo: lo, hi: mid, query: q, exclude: exclude, best: &best)
            if diff * diff < best[last] { search(node: 2 * node + 2, lo: mid, hi: hi, query: q, exclude: exclude, best: &best) }
        } else {
            search(node: 2 * node + 2, lo: mid, hi: hi, query: q, exclude: exclude, best: &best)
            if diff * diff < best[last] { search(node: 2 * node + 1, lo: lo, hi: mid, query: q, exclude: exclude, best: &best) }
        }
    }
}
