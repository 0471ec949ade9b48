/// One Borůvka round: the components as dense ids, the points grouped by component (each group in
/// increasing core distance), and per tree node the one component all its points belong to (−1
/// when mixed).
struct ComponentRound {
    let pointComponent: [Int32]
    let slotComponent: [Int32]
    let nodeComponent: [Int32]
    /// Points grouped by component; component c owns grouped[starts[c]..<starts[c + 1]].
    let grouped: [Int32]
    let starts: [Int]

    init(components: inout ComponentUnion, order byCore: [Int], tree: FeatureBallTree) {
        let n = byCore.count
        var dense = [Int32](repeating: -1, count: n), component = [Int32](repeating: 0, count: n)
        var count = 0
        for p in 0..<n {
            let root = components.find(p)
            if dense[root] < 0 { dense[root] = Int32(count); count += 1 }
            component[p] = dense[root]
        }
        var starts = [Int](repeating: 0, count: count + 1)
        for p in 0..<n { starts[Int(component[p]) + 1] += 1 }
        for c in 0..<count { starts[c + 1] += starts[c] }
        var next = starts, grouped = [Int32](repeating: 0, count: n)
        for p in byCore {
            let c = Int(component[p])
            grouped[next[c]] = Int32(p)
            next[c] += 1
        }
        slotComponent = tree.slotPoints.map { $0 >= 0 ? component[Int($0)] : -1 }
        nodeComponent = tree.perNode(slots: slotComponent, leaf: { Set($0).count == 1 ? $0[0] : -1 },
                                     merge: { $0 == $1 ? $0 : -1 })
        pointComponent = component
        self.grouped = grouped
        self.starts = starts
    }

    var componentCount: Int { starts.count - 1 }

    /// Every component's lightest edge to another component, in component order. First from the
    /// neighbour lists: an edge p–q with q in p's list weighs max(core(p), core(q)), and when that
    /// is core(p) and the list is complete, no edge from p is lighter (p needs no search). Then
    /// tree searches from the other points in increasing core distance, each bounded by the
    /// component's best edge so far, until a core distance exceeds it.
    func lightestEdges(tree: FeatureBallTree, neighbours: NearestNeighbours, slotCore: [Double],
                       nodeMinCore: [Double], threads: Int) -> [ReachabilityEdge] {
        var best = [ReachabilityEdge](repeating: .none, count: componentCount)
        var settled = [Bool](repeating: false, count: grouped.count)
        let chunks = chunkStarts(target: max(1, grouped.count / 64))
        let core = neighbours.coreSquared
        best.withUnsafeMutableBufferPointer { best in
        settled.withUnsafeMutableBufferPointer { settled in
            let out = SendablePointer(best.baseAddress!), settled = SendablePointer(settled.baseAddress!)
            parallelChunks(chunks.count - 1, threads: threads) { chunk in
                BallTreeSearch.with(tree) { search in
                withView(slotCore, nodeMinCore) { view in
                    for c in chunks[chunk]..<chunks[chunk + 1] {
                        var query = OtherComponentQuery(view: view, component: Int32(c))
                        let members = grouped[starts[c]..<starts[c + 1]]
                        for p in members {
                            let edge = listEdge(from: Int(p), neighbours)
                            if edge < query.best { query.best = edge }
                            settled.base[Int(p)] = neighbours.complete[Int(p)] && edge.squared == core[Int(p)]
                        }
                        for p in members where !settled.base[Int(p)] {
                            guard core[Int(p)] <= query.best.squared else { break }
                            query.point = p
                            query.core = core[Int(p)]
                            tree.search(&query, from: Int(p), search)
                        }
                        out.base[c] = query.best
                    }
                }
                }
            }
        }}
        return best
    }

    /// The lightest edge from p to a point of another component in p's neighbour list.
    private func listEdge(from p: Int, _ neighbours: NearestNeighbours) -> ReachabilityEdge {
        var best = ReachabilityEdge.none
        let c = pointComponent[p], k = neighbours.k
        for q in neighbours.neighbours[(p * k)..<(p * k + k)] where pointComponent[Int(q)] != c {
            let edge = ReachabilityEdge(Int32(p), q, squared: max(neighbours.coreSquared[p], neighbours.coreSquared[Int(q)]))
            if edge < best { best = edge }
        }
        return best
    }

    /// Component boundaries of chunks holding about `target` points each (a larger component is
    /// a chunk of its own).
    private func chunkStarts(target: Int) -> [Int] {
        var bounds = [0]
        for c in 1...componentCount where starts[c] - starts[bounds[bounds.count - 1]] >= target || c == componentCount {
            bounds.append(c)
        }
        return bounds
    }

    private func withView<R>(_ slotCore: [Double], _ nodeMinCore: [Double], _ body: (TreeView) -> R) -> R {
        slotComponent.withUnsafeBufferPointer { slotComponent in
        nodeComponent.withUnsafeBufferPointer { nodeComponent in
        slotCore.withUnsafeBufferPointer { slotCore in
        nodeMinCore.withUnsafeBufferPointer { nodeMinCore in
            body(TreeView(slotComponent: slotComponent.baseAddress!, slotCore: slotCore.baseAddress!,
                          nodeComponent: nodeComponent.baseAddress!, nodeMinCore: nodeMinCore.baseAddress!))
        }}}}
    }
}

/// The per-slot and per-node arrays a search reads.
private struct TreeView {
    let slotComponent: UnsafePointer<Int32>
    /// Squared core distances per slot (+∞ for padding).
    let slotCore: UnsafePointer<Double>
    let nodeComponent: UnsafePointer<Int32>
    let nodeMinCore: UnsafePointer<Double>
}

/// The lightest mutual-reachability edge from the searched points of `component` to any other
/// component (`best`, shared by the component's searches, only ever decreases).
private struct OtherComponentQuery: FeatureTreeQuery {
    let view: TreeView
    let component: Int32
    var point: Int32 = 0
    var core = 0.0
    var best = ReachabilityEdge.none

    init(view: TreeView, component: Int32) {
        self.view = view
        self.component = component
    }

    func skips(node: Int) -> Bool {
        view.nodeComponent[node] == component || view.nodeMinCore[node] > best.squared
    }

    /// Strict: an edge as heavy as the best may still win on its end points.
    func prunes(node: Int, gap: Double) -> Bool {
        gap > best.squared || view.nodeMinCore[node] > best.squared
    }

    /// A lane is a candidate when its exact distance and its core are at most the best weight
    /// (the searching point's core is, or the search would not have started).
    mutating func visit(block: Int, approximate r: FeatureBallTree.Lanes, exact: BallTreeSearch) {
        let bound = exact.filter(best.squared)
        guard BallTreeSearch.mayBeAtMost(r, bound) else { return }
        for lane in 0..<FeatureBallTree.lanes where r[lane] <= bound {
            let slot = block * FeatureBallTree.lanes + lane
            let other = exact.slotPoints[slot]
            guard other >= 0, view.slotCore[slot] <= best.squared, view.slotComponent[slot] != component else { continue }
            let weight = max(max(exact.exact(slot), view.slotCore[slot]), core)
            let edge = ReachabilityEdge(point, other, squared: weight)
            if edge < best { best = edge }
        }
    }
}
