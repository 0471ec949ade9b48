import SplatMath
/// Raw views of a `FeatureBallTree`'s arrays (valid inside `FeatureBallTree.withView`) and the
/// distance kernels and traversal the searches share.
///
/// Searches run a leaf's points together (`LeafBatchQuery`): one traversal per query leaf prunes
/// nodes by ball-to-ball distance, and a reached leaf is scanned block by block for each query
/// point, whose float32 distances must pass `filter` before the exact float64 one is computed.
struct BallTreeView {
    typealias Lanes = FeatureBallTree.Lanes
    let dimension: Int
    let nodes: UnsafePointer<FeatureBallTree.Node>
    let centres: UnsafePointer<Double>
    let radii: UnsafePointer<Double>
    let blocks: UnsafePointer<Lanes>
    let points: UnsafePointer<Float>
    let slotPoints: UnsafePointer<Int32>

    /// Point p's coordinates.
    @inline(__always) func row(_ p: Int32) -> UnsafePointer<Float> { points + Int(p) * dimension }

    /// The distance from `q` to the centre of `node`, and a lower bound of the squared distance
    /// from any point within `radius` of `q` to any point of `node`: (|q − centre| − radii)²,
    /// the difference shrunk by 1e-9 of the magnitudes, far more than the rounding of the
    /// distances, so it never exceeds an exact distance and pruning on it is exact.
    @inline(__always)
    func measure<T: BinaryFloatingPoint>(_ node: Int, _ q: UnsafePointer<T>, radius: Double = 0)
        -> (toCentre: Double, gap: Double) {
        let centre = centres + dimension * node
        var sum = 0.0
        for j in 0..<dimension {
            let t = Double(q[j]) - centre[j]
            sum += t * t
        }
        let toCentre = sum.squareRoot(), radii = self.radii[node] + radius
        let g = toCentre - radii - 1e-9 * (toCentre + radii)
        return (toCentre, g > 0 ? g * g : 0)
    }

    /// A lower bound of the squared distance from a point `offset` away from the query leaf's
    /// centre to any point of `node`, whose centre is `toCentre` away from the leaf's: the
    /// triangle inequality, with the same margin as `measure`. Costs no distance.
    @inline(__always) func gap(_ node: Int, toCentre: Double, offset: Double) -> Double {
        let reach = radii[node] + offset
        let g = toCentre - reach - 1e-9 * (toCentre + reach)
        return g > 0 ? g * g : 0
    }

    /// Float32 squared distances from `q` to the 8 slots of `block`.
    @inline(__always) func approximate(_ block: Int, _ q: UnsafePointer<Float>) -> Lanes {
        let base = blocks + block * dimension
        var sum = Lanes(repeating: 0)
        for j in 0..<dimension {
            let t = base[j] - Lanes(repeating: q[j])
            sum = sum.addingProduct(t, t)
        }
        return sum
    }

    /// The float64 squared distance from `q` to the point in `slot` (which is not padding).
    @inline(__always) func exact(_ slot: Int, _ q: UnsafePointer<Float>) -> Double {
        squaredDistance(q, row(slotPoints[slot]))
    }

    /// The float64 squared distance between two points, summed in coordinate order as
    /// scikit-learn does.
    @inline(__always) func squaredDistance(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Double {
        var sum = 0.0
        for j in 0..<dimension {
            let t = Double(x[j]) - Double(y[j])
            sum += t * t
        }
        return sum
    }

    /// The float32 bound for a float64 bound on the squared distance. The float32 sum of d
    /// squares is within (d + 2)·2⁻²⁴ of the exact value and the float64 one far closer, so a
    /// slack of four times that never drops a lane whose float64 distance passes (overflow gives
    /// +∞ only where the bound is beyond float32 too, underflow only lowers a sum, and the
    /// absolute 2⁻¹²⁰ covers subnormal rounding).
    @inline(__always) func filter(_ bound: Double) -> Float {
        Float(bound * (1 + Double(4 * (dimension + 2)) * 0x1p-24) + 0x1p-120)
    }

    /// True when some lane of `r` may be at most `bound` (a `filter` bound): the sign of
    /// bound − lane for all lanes at once (SIMD comparisons go lane by lane; SWIFT-PERFORMANCE.md).
    @inline(__always) static func mayBeAtMost(_ r: Lanes, _ bound: Float) -> Bool {
        let v = unsafeBitCast(Lanes(repeating: bound) - r, to: SIMD8<Int32>.self)
        let h = v.lowHalf & v.highHalf, q = h.lowHalf & h.highHalf
        return (q.x & q.y) >= 0
    }

    /// The real points of leaf `node`, in slot order.
    func leafPoints(_ node: Int, into out: UnsafeMutablePointer<Int32>) -> Int {
        var count = 0
        for slot in Int(nodes[node].firstBlock) * FeatureBallTree.lanes..<Int(nodes[node].endBlock) * FeatureBallTree.lanes
        where slotPoints[slot] >= 0 {
            out[count] = slotPoints[slot]
            count += 1
        }
        return count
    }

    /// Runs `query` for the points of leaf `queryLeaf` over the tree, depth first, the child whose
    /// centre is nearer the leaf's first (in 16-d most balls overlap, so gaps cannot order them).
    /// `stack` needs room for `FeatureBallTree.stackCapacity` entries.
    @inline(__always)
    func traverse<Q: LeafBatchQuery>(_ query: inout Q, from queryLeaf: Int, stack: UnsafeMutablePointer<StackEntry>) {
        let q = centres + dimension * queryLeaf, radius = radii[queryLeaf]
        let root = measure(0, q, radius: radius)
        stack[0] = StackEntry(node: 0, gap: root.gap, toCentre: root.toCentre)
        var top = 1
        while top > 0 {
            top -= 1
            let entry = stack[top], index = Int(entry.node)
            let node = nodes[index]
            if query.prunes(node: index, gap: entry.gap) { continue }
            if node.isLeaf {
                query.visit(leaf: index, toCentre: entry.toCentre)
                continue
            }
            // Push the farther child first so that the nearer one is searched first.
            let left = Int(node.left), right = Int(node.right)
            let noChild = (toCentre: Double.infinity, gap: Double.nan)
            let l = query.skips(node: left) ? noChild : measure(left, q, radius: radius)
            let r = query.skips(node: right) ? noChild : measure(right, q, radius: radius)
            let (farther, nearer) = r.toCentre < l.toCentre
                ? (StackEntry(node: Int32(left), gap: l.gap, toCentre: l.toCentre),
                   StackEntry(node: Int32(right), gap: r.gap, toCentre: r.toCentre))
                : (StackEntry(node: Int32(right), gap: r.gap, toCentre: r.toCentre),
                   StackEntry(node: Int32(left), gap: l.gap, toCentre: l.toCentre))
            if !farther.gap.isNaN, !query.prunes(node: Int(farther.node), gap: farther.gap) {
                stack[top] = farther
                top += 1
            }
            if !nearer.gap.isNaN, !query.prunes(node: Int(nearer.node), gap: nearer.gap) {
                stack[top] = nearer
                top += 1
            }
        }
    }
}

/// A node waiting in a traversal: the lower bound of its squared distance from the query leaf's
/// points and the distance between the centres.
struct StackEntry {
    var node: Int32
    var gap: Double
    var toCentre: Double
}

/// What the points of one leaf look for together (k nearest points each, lightest edges to
/// other components); the traversal prunes with it and hands it the leaves it reaches.
protocol LeafBatchQuery {
    /// True when nothing in `node` can help any query point, before its ball is measured.
    func skips(node: Int) -> Bool
    /// True when nothing in `node` can help any query point, given a lower bound `gap` of the
    /// squared distance from the query leaf's points to its points.
    func prunes(node: Int, gap: Double) -> Bool
    /// Scans leaf `leaf`, whose centre is `toCentre` from the query leaf's, for every query
    /// point still looking.
    mutating func visit(leaf: Int, toCentre: Double)
}
