import SplatMath
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
                                                             length: view.squaredDistance(view.row(Int32(p)), view.row(q)))
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
