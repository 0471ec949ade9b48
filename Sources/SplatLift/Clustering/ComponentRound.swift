import Foundation

/// One Borůvka round: the components as dense ids per point and per slot, and per tree node the
/// one component all its points belong to (−1 when mixed).
struct ComponentRound {
    let pointComponent: [Int32]
    let slotComponent: [Int32]
    let nodeComponent: [Int32]
    let componentCount: Int

    init(components: inout ComponentUnion, tree: FeatureBallTree) {
        var dense = [Int32](repeating: -1, count: tree.count), component = [Int32](repeating: 0, count: tree.count)
        var count = 0
        for p in 0..<tree.count {
            let root = components.find(p)
            if dense[root] < 0 { dense[root] = Int32(count); count += 1 }
            component[p] = dense[root]
        }
        slotComponent = tree.slotPoints.map { $0 >= 0 ? component[Int($0)] : -1 }
        nodeComponent = tree.perNode(slots: slotComponent, leaf: { Set($0).count == 1 ? $0[0] : -1 },
                                     merge: { $0 == $1 ? $0 : -1 })
        pointComponent = component
        componentCount = count
    }

    /// Every component's lightest edge to another component, in component order. First from the
    /// neighbour lists: an edge p–q with q in p's list weighs max(core(p), core(q)), and when that
    /// is core(p) and the list is complete, no edge from p is lighter (p is settled). A duplicate
    /// (a point whose representative is another) is settled too: in the first round its lightest
    /// edge goes to its representative, later they share a component and the representative's
    /// edges beat its own. Then the other points search the tree a leaf at a time, each bounded
    /// by its component's best edge so far; a point whose core distance exceeds that bound stops.
    /// Each worker keeps its own best edges (leaves are dealt to workers in turn); the minimum
    /// over workers is exact.
    func lightestEdges(tree: FeatureBallTree, neighbours: NearestNeighbours, representatives: [Int32],
                       slotCore: [Double], nodeMinCore: [Double], threads: Int) -> [ReachabilityEdge] {
        let (listBest, settled) = listEdges(tree, neighbours, representatives, threads: threads)
        var fromLists = [ReachabilityEdge](repeating: .none, count: componentCount)
        for p in 0..<pointComponent.count where listBest[p] < fromLists[Int(pointComponent[p])] {
            fromLists[Int(pointComponent[p])] = listBest[p]
        }
        let initial = fromLists
        let workers = threads == 1 ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        var perWorker = [ReachabilityEdge](repeating: .none, count: workers * componentCount)
        let leaves = tree.leaves, chunks = max(1, min(64 * workers, leaves.count / 4))
        perWorker.withUnsafeMutableBufferPointer { perWorker in
            let perWorker = SendablePointer(perWorker.baseAddress!)
            parallelChunks(workers, threads: threads) { worker in
                let best = perWorker.base + worker * componentCount
                best.update(from: initial, count: componentCount)
                let queries = UnsafeMutablePointer<Int32>.allocate(capacity: tree.leafSize)
                let offsets = UnsafeMutablePointer<Double>.allocate(capacity: tree.leafSize)
                let stack = UnsafeMutablePointer<StackEntry>.allocate(capacity: tree.stackCapacity)
                defer { queries.deallocate(); offsets.deallocate(); stack.deallocate() }
                tree.withView { view in
                withComponents(slotCore, nodeMinCore, neighbours.coreSquared, settled, representatives) { components in
                    for chunk in stride(from: worker, to: chunks, by: workers) {
                        for leaf in leaves[chunkRange(chunk, of: chunks, count: leaves.count)] {
                            var batch = ComponentBatch(view: view, components: components, best: best, leaf: leaf,
                                                       queries: queries, offsets: offsets)
                            if batch.count > 0 { view.traverse(&batch, from: leaf, stack: stack) }
                        }
                    }
                }
                }
            }
        }
        return (0..<componentCount).map { c in
            (0..<workers).reduce(ReachabilityEdge.none) { Swift.min($0, perWorker[$1 * componentCount + c]) }
        }
    }

    /// Per point the lightest edge to another component in its neighbour list (to its
    /// representative for a duplicate), and whether that edge is its lightest of all.
    private func listEdges(_ tree: FeatureBallTree, _ neighbours: NearestNeighbours, _ representatives: [Int32],
                           threads: Int) -> ([ReachabilityEdge], [Bool]) {
        let n = pointComponent.count, k = neighbours.k, core = neighbours.coreSquared
        var best = [ReachabilityEdge](repeating: .none, count: n), settled = [Bool](repeating: false, count: n)
        let chunks = max(1, min(64, n / 1024))
        best.withUnsafeMutableBufferPointer { bestOut in
        settled.withUnsafeMutableBufferPointer { settledOut in
            let bestOut = SendablePointer(bestOut.baseAddress!), settledOut = SendablePointer(settledOut.baseAddress!)
            parallelChunks(chunks, threads: threads) { chunk in
                tree.withView { view in
                    for p in chunkRange(chunk, of: chunks, count: n) {
                        let c = pointComponent[p], representative = representatives[p]
                        if Int(representative) != p {
                            let apart = pointComponent[Int(representative)] != c
                            bestOut.base[p] = apart ? ReachabilityEdge(representative, Int32(p), weight: core[p], length: 0) : .none
                            settledOut.base[p] = true
                            continue
                        }
                        var edge = ReachabilityEdge.none
                        for q in neighbours.neighbours[(p * k)..<(p * k + k)] where pointComponent[Int(q)] != c {
                            let candidate = ReachabilityEdge(Int32(p), q, weight: max(core[p], core[Int(q)]),
                                                             length: view.squaredDistance(Int32(p), q))
                            if candidate < edge { edge = candidate }
                        }
                        bestOut.base[p] = edge
                        settledOut.base[p] = neighbours.complete[p] && edge.weight == core[p]
                    }
                }
            }
        }}
        return (best, settled)
    }

    private func withComponents<R>(_ slotCore: [Double], _ nodeMinCore: [Double], _ core: [Double], _ settled: [Bool],
                                   _ representatives: [Int32], _ body: (ComponentView) -> R) -> R {
        pointComponent.withUnsafeBufferPointer { pointComponent in
        slotComponent.withUnsafeBufferPointer { slotComponent in
        nodeComponent.withUnsafeBufferPointer { nodeComponent in
        slotCore.withUnsafeBufferPointer { slotCore in
        nodeMinCore.withUnsafeBufferPointer { nodeMinCore in
        core.withUnsafeBufferPointer { core in
        settled.withUnsafeBufferPointer { settled in
        representatives.withUnsafeBufferPointer { representatives in
            body(ComponentView(pointComponent: pointComponent.baseAddress!, slotComponent: slotComponent.baseAddress!,
                               nodeComponent: nodeComponent.baseAddress!, core: core.baseAddress!,
                               slotCore: slotCore.baseAddress!, nodeMinCore: nodeMinCore.baseAddress!,
                               settled: settled.baseAddress!, representatives: representatives.baseAddress!))
        }}}}}}}}
    }
}

/// The round's per-point, per-slot and per-node arrays a search reads.
private struct ComponentView {
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
private struct ComponentBatch: LeafBatchQuery {
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
        component = count > 0 ? components.pointComponent[Int(queries[0])] : -1
        for i in 0..<count {
            let p = Int(queries[i]), c = components.pointComponent[p], limit = best[Int(c)].weight
            guard components.core[p] <= limit else { continue }
            queries[kept] = queries[i]
            offsets[kept] = offsets[i]
            kept += 1
            bound = max(bound, limit)
            if c != component { component = -1 }
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
