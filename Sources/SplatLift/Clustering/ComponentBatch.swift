/// The round's per-point, per-slot and per-node arrays a search reads.
struct ComponentView {
    let pointComponent: UnsafePointer<Int32>
    let slotComponent: UnsafePointer<Int32>
    /// The one component of all of a node's points, −1 when mixed.
    let nodeComponent: UnsafePointer<Int32>
    /// Squared core distances per point, per slot (+∞ for padding) and their minimum per node.
    let core: UnsafePointer<Double>
    let slotCore: UnsafePointer<Double>
    let nodeMinCore: UnsafePointer<Double>
    let settled: UnsafePointer<Bool>
    let representatives: UnsafePointer<Int32>
}

/// The points of one query leaf that may still find an edge lighter than their component's best
/// (`best`, this worker's, only ever decreases): not settled, core distance not above it.
struct ComponentBatch: LeafBatchQuery {
    let view: BallTreeView
    let components: ComponentView
    let best: UnsafeMutablePointer<ReachabilityEdge>
    let queries: UnsafeMutablePointer<Int32>
    /// Per query point its distance from the query leaf's centre.
    let offsets: UnsafeMutablePointer<Double>
    private(set) var count = 0
    /// The largest best weight over the query points, and their one component (−1 when mixed).
    var bound = -Double.infinity
    var component: Int32 = -1

    init(view: BallTreeView, components: ComponentView, best: UnsafeMutablePointer<ReachabilityEdge>,
         leaf: Int, queries: UnsafeMutablePointer<Int32>, offsets: UnsafeMutablePointer<Double>) {
        self.view = view
        self.components = components
        self.best = best
        self.queries = queries
        self.offsets = offsets
        let all = view.leafPoints(leaf, into: queries)
        for i in 0..<all where !components.settled[Int(queries[i])] {
            queries[count] = queries[i]
            offsets[count] = view.measure(leaf, view.row(queries[i])).toCentre
            count += 1
        }
        update()
    }

    /// Drops the query points that can no longer win, then sets `bound` and `component`.
    private mutating func update() {
        var kept = 0
        bound = -.infinity
        for i in 0..<count {
            let p = Int(queries[i]), c = components.pointComponent[p], limit = best[Int(c)].weight
            guard components.core[p] <= limit else { continue }
            queries[kept] = queries[i]
            offsets[kept] = offsets[i]
            component = kept == 0 || c == component ? c : -1
            kept += 1
            bound = max(bound, limit)
        }
        count = kept
    }

    func skips(node: Int) -> Bool {
        (component >= 0 && components.nodeComponent[node] == component) || components.nodeMinCore[node] > bound
    }

    /// Strict: an edge as heavy as the best may still win on its end points.
    func prunes(node: Int, gap: Double) -> Bool {
        gap > bound || components.nodeMinCore[node] > bound
    }

    /// Each query point skips the leaf when it lies in the point's component, or when the
    /// triangle inequality, then its own distance to the leaf's ball, puts the leaf beyond its best.
    mutating func visit(leaf: Int, toCentre: Double) {
        let node = view.nodes[leaf], leafComponent = components.nodeComponent[leaf]
        for i in 0..<count {
            let p = queries[i], c = components.pointComponent[Int(p)], q = view.row(p)
            let limit = best[Int(c)].weight
            guard c != leafComponent, view.gap(leaf, toCentre: toCentre, offset: offsets[i]) <= limit,
                  view.measure(leaf, q).gap <= limit else { continue }
            for block in Int(node.firstBlock)..<Int(node.endBlock) { scan(block, p, c, q) }
        }
        update()
    }

    /// A lane is a candidate when its exact distance and its core are at most the best weight
    /// (the query point's core is, or it would have been dropped) and it is no duplicate whose
    /// representative, seen in the same scan, beats it.
    @inline(__always) private func scan(_ block: Int, _ p: Int32, _ c: Int32, _ q: UnsafePointer<Float>) {
        let r = view.approximate(block, q)
        guard BallTreeView.mayBeAtMost(r, view.filter(best[Int(c)].weight)) else { return }
        for lane in 0..<FeatureBallTree.lanes {
            let slot = block * FeatureBallTree.lanes + lane, other = view.slotPoints[slot]
            let limit = best[Int(c)].weight
            guard other >= 0, r[lane] <= view.filter(limit), components.slotCore[slot] <= limit,
                  components.slotComponent[slot] != c else { continue }
            let representative = components.representatives[Int(other)]
            guard representative == other || representative == p else { continue }
            let length = view.exact(slot, q)
            let weight = max(max(length, components.slotCore[slot]), components.core[Int(p)])
            let edge = ReachabilityEdge(p, other, weight: weight, length: length)
            if edge < best[Int(c)] { best[Int(c)] = edge }
        }
    }
}
