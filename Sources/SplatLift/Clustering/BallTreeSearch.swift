/// What a depth-first search over a `FeatureBallTree` looks for (k nearest points, lightest edge
/// to another component); the search prunes with it and hands it the leaf blocks it reaches.
protocol FeatureTreeQuery {
    /// True when nothing in `node` can improve the result, before its ball is measured.
    func skips(node: Int) -> Bool
    /// True when nothing in `node` can improve the result, given a lower bound `gap` of the
    /// squared distance from the query to its points.
    func prunes(node: Int, gap: Double) -> Bool
    /// Takes block `block` (slots 8·block..<8·block+8): float32 squared distances, which a lane
    /// must pass through `BallTreeSearch.mayBeAtMost` before `exact` gives its float64 one.
    mutating func visit(block: Int, approximate: FeatureBallTree.Lanes, exact: BallTreeSearch)
}

/// One search's query point and scratch memory; allocate one per worker and reuse it.
struct BallTreeSearch {
    let dimension: Int
    let q: UnsafeMutablePointer<Double>
    let qFloat: UnsafeMutablePointer<Float>
    let stack: UnsafeMutablePointer<(node: Int32, gap: Double)>
    let points: UnsafePointer<Float>
    let slotPoints: UnsafePointer<Int32>
    /// Relative slack of the float32 filter: the float32 sum of d squares is within (d + 2)·2⁻²⁴
    /// of the exact value, the float64 one far closer, so four times that never rejects a lane
    /// whose float64 distance passes (overflow gives +∞ only when the bound is beyond float32
    /// too, underflow only lowers a sum, and the absolute 2⁻¹²⁰ covers subnormal rounding).
    let slack: Double

    /// Runs `body` with a search over `tree` (scratch freed afterwards).
    static func with<R>(_ tree: FeatureBallTree, _ body: (inout BallTreeSearch) -> R) -> R {
        let d = tree.dimension
        return tree.points.withUnsafeBufferPointer { points in
            tree.slotPoints.withUnsafeBufferPointer { slotPoints in
                var search = BallTreeSearch(
                    dimension: d, q: .allocate(capacity: d), qFloat: .allocate(capacity: d),
                    stack: .allocate(capacity: tree.stackCapacity), points: points.baseAddress!,
                    slotPoints: slotPoints.baseAddress!, slack: Double(4 * (d + 2)) * 0x1p-24)
                defer { search.q.deallocate(); search.qFloat.deallocate(); search.stack.deallocate() }
                return body(&search)
            }
        }
    }

    /// The float32 filter bound for a float64 bound on the squared distance.
    @inline(__always) func filter(_ bound: Double) -> Float {
        Float(bound * (1 + slack) + 0x1p-120)
    }

    /// True when some lane may be at most `bound` (`filter(_:)` of the real bound): the sign of
    /// bound − lane, all lanes at once (SIMD comparisons go lane by lane; SWIFT-PERFORMANCE.md).
    @inline(__always) static func mayBeAtMost(_ r: FeatureBallTree.Lanes, _ bound: Float) -> Bool {
        let v = unsafeBitCast(FeatureBallTree.Lanes(repeating: bound) - r, to: SIMD8<Int32>.self)
        let h = v.lowHalf & v.highHalf, q = h.lowHalf & h.highHalf
        return (q.x & q.y) >= 0
    }

    /// The float64 squared distance from the query to the point in `slot`, summed in coordinate
    /// order as scikit-learn does (+∞ for padding).
    @inline(__always) func exact(_ slot: Int) -> Double {
        let point = Int(slotPoints[slot])
        guard point >= 0 else { return .infinity }
        let row = points + point * dimension
        var sum = 0.0
        for j in 0..<dimension {
            let t = Double(row[j]) - q[j]
            sum += t * t
        }
        return sum
    }

    /// Loads point `p` as the query.
    @inline(__always) func load(_ p: Int) {
        for j in 0..<dimension {
            qFloat[j] = points[p * dimension + j]
            q[j] = Double(qFloat[j])
        }
    }
}

extension FeatureBallTree {
    /// The distance from the query to the centre of `node`, and a lower bound of the squared
    /// distance from the query to any point of `node`: (|q − centre| − radius)², the difference
    /// shrunk by 1e-9 of the magnitudes, far more than the rounding of either distance, so it
    /// never exceeds an exact distance and pruning on it is exact.
    @inline(__always)
    func measure(_ node: Int, _ q: UnsafePointer<Double>, _ centres: UnsafePointer<Double>,
                 _ radii: UnsafePointer<Double>) -> (toCentre: Double, gap: Double) {
        let d = dimension, centre = centres + d * node
        var sum = 0.0
        for j in 0..<d {
            let t = q[j] - centre[j]
            sum += t * t
        }
        let toCentre = sum.squareRoot(), radius = radii[node]
        let g = toCentre - radius - 1e-9 * (toCentre + radius)
        return (toCentre, g > 0 ? g * g : 0)
    }

    /// Runs `query` over the tree from point `p`, depth first, the child with the nearer centre
    /// first (in 16-d most balls contain the query, so their gaps cannot order them).
    @inline(__always)
    func search<Q: FeatureTreeQuery>(_ query: inout Q, from p: Int, _ search: BallTreeSearch) {
        search.load(p)
        nodes.withUnsafeBufferPointer { nodes in
        centres.withUnsafeBufferPointer { centres in
        radii.withUnsafeBufferPointer { radii in
        blocks.withUnsafeBufferPointer { blocks in
            let d = dimension, q = search.q, qFloat = search.qFloat, stack = search.stack
            let centres = centres.baseAddress!, radii = radii.baseAddress!
            stack[0] = (0, measure(0, q, centres, radii).gap)
            var top = 1
            while top > 0 {
                top -= 1
                let (index, nodeGap) = stack[top]
                let node = nodes[Int(index)]
                if query.prunes(node: Int(index), gap: nodeGap) { continue }
                if node.isLeaf {
                    for b in Int(node.firstBlock)..<Int(node.endBlock) {
                        var sum = Lanes(repeating: 0)
                        for j in 0..<d {
                            let t = blocks[b * d + j] - Lanes(repeating: qFloat[j])
                            sum = sum.addingProduct(t, t)
                        }
                        query.visit(block: b, approximate: sum, exact: search)
                    }
                    continue
                }
                // Push the farther child first so that the nearer one is searched first.
                let left = Int(node.left), right = Int(node.right)
                let noChild = (toCentre: Double.infinity, gap: Double.nan)
                let l = query.skips(node: left) ? noChild : measure(left, q, centres, radii)
                let r = query.skips(node: right) ? noChild : measure(right, q, centres, radii)
                let (farther, fartherGap, nearer, nearerGap) = r.toCentre < l.toCentre
                    ? (left, l.gap, right, r.gap) : (right, r.gap, left, l.gap)
                if !fartherGap.isNaN, !query.prunes(node: farther, gap: fartherGap) {
                    stack[top] = (Int32(farther), fartherGap)
                    top += 1
                }
                if !nearerGap.isNaN, !query.prunes(node: nearer, gap: nearerGap) {
                    stack[top] = (Int32(nearer), nearerGap)
                    top += 1
                }
            }
        }}}}
    }
}
