/// One Borůvka round: the components as dense ids, the points grouped by component (each group in
/// increasing core distance), and per tree node the one component all its points belong to (−1
/// when mixed).
struct ComponentRound {
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
        self.grouped = grouped
        self.starts = starts
    }

    var componentCount: Int { starts.count - 1 }

    /// Every component's lightest edge to another component, in component order.
    func lightestEdges(tree: FeatureBallTree, points: [Float], core: [Double], slotCore: [Double],
                       nodeMinCore: [Double], threads: Int) -> [ReachabilityEdge] {
        var best = [ReachabilityEdge](repeating: .none, count: componentCount)
        let chunks = chunkStarts(target: max(1, grouped.count / 64))
        let d = tree.dimension
        best.withUnsafeMutableBufferPointer { best in
            let out = SendablePointer(best.baseAddress!)
            parallelChunks(chunks.count - 1, threads: threads) { chunk in
                let q = UnsafeMutablePointer<Double>.allocate(capacity: d)
                let stack = UnsafeMutablePointer<(node: Int32, gap: Double)>.allocate(capacity: tree.stackCapacity)
                defer { q.deallocate(); stack.deallocate() }
                withPointers(tree, slotCore, nodeMinCore) { view in
                    for c in chunks[chunk]..<chunks[chunk + 1] {
                        var query = OtherComponentQuery(view: view, component: Int32(c))
                        for p in grouped[starts[c]..<starts[c + 1]] {
                            let point = Int(p)
                            guard core[point] <= query.best.squared else { break }
                            for j in 0..<d { q[j] = Double(points[point * d + j]) }
                            query.point = p
                            query.core = core[point]
                            tree.search(&query, from: q, stack: stack)
                        }
                        out.base[c] = query.best
                    }
                }
            }
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

    private func withPointers<R>(_ tree: FeatureBallTree, _ slotCore: [Double], _ nodeMinCore: [Double],
                                 _ body: (TreeView) -> R) -> R {
        tree.slotPoints.withUnsafeBufferPointer { slotPoints in
        slotComponent.withUnsafeBufferPointer { slotComponent in
        nodeComponent.withUnsafeBufferPointer { nodeComponent in
        slotCore.withUnsafeBufferPointer { slotCore in
        nodeMinCore.withUnsafeBufferPointer { nodeMinCore in
            body(TreeView(slotPoints: slotPoints.baseAddress!, slotComponent: slotComponent.baseAddress!,
                          slotCore: slotCore.baseAddress!, nodeComponent: nodeComponent.baseAddress!,
                          nodeMinCore: nodeMinCore.baseAddress!))
        }}}}}
    }
}

/// The per-slot and per-node arrays a search reads.
private struct TreeView {
    let slotPoints: UnsafePointer<Int32>
    let slotComponent: UnsafePointer<Int32>
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

    mutating func visit(block: Int, squaredDistances r: FeatureBallTree.Lanes) {
        for lane in 0..<FeatureBallTree.lanes {
            let slot = block * FeatureBallTree.lanes + lane
            let weight = max(max(r[lane], view.slotCore[slot]), core)
            guard weight <= best.squared, view.slotComponent[slot] != component else { continue }
            let other = view.slotPoints[slot]
            guard other >= 0 else { continue }
            let edge = ReachabilityEdge(point, other, squared: weight)
            if edge < best { best = edge }
        }
    }
}
