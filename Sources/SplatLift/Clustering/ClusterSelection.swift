import SplatMath
/// Flat clusters from the condensed tree (scikit-learn's `_get_clusters` and `_do_labelling`
/// without epsilon or a maximum size): excess of mass keeps a cluster when its stability is at
/// least the summed stabilities of the clusters it selects below it; leaf keeps the clusters
/// that never split. The root is a candidate only with `allowSingleCluster`. Each point gets the
/// label of the nearest selected cluster above it, −1 when there is none; labels number the
/// selected clusters in increasing id order.
enum ClusterSelection {
    static func labels(_ tree: CondensedTree, method: HDBSCAN.Selection, allowSingleCluster: Bool) -> [Int32] {
        let n = tree.pointCount, clusters = tree.clusterCount
        var children = [[Int]](repeating: [], count: clusters)
        var clusterParent = [Int](repeating: 0, count: clusters)
        var pointParent = [Int](repeating: 0, count: n), pointLambda = [Double](repeating: 0, count: n)
        for r in tree.parent.indices {
            let c = tree.child[r]
            if c >= n {
                children[tree.parent[r] - n].append(c - n)
                clusterParent[c - n] = tree.parent[r] - n
            } else {
                pointParent[c] = tree.parent[r] - n
                pointLambda[c] = tree.lambda[r]
            }
        }
        let selected: [Bool]
        switch method {
        case .excessOfMass:
            selected = excessOfMass(tree.stabilities(), children: children, includeRoot: allowSingleCluster)
        case .leaf:
            selected = (0..<clusters).map { $0 > 0 && children[$0].isEmpty }
        }
        // The nearest selected cluster at or above each cluster (0 = the root: none).
        var owner = [Int](repeating: 0, count: clusters)
        for c in 1..<max(clusters, 1) { owner[c] = selected[c] ? c : owner[clusterParent[c]] }
        var label = [Int32](repeating: -1, count: clusters)
        var next: Int32 = 0
        for c in 0..<clusters where selected[c] {
            label[c] = next
            next += 1
        }
        let rootThreshold = singleClusterThreshold(tree, selected: selected, allow: allowSingleCluster)
        return (0..<n).map { p in
            let cluster = owner[pointParent[p]]
            if cluster != 0 { return label[cluster] }
            guard let threshold = rootThreshold, pointLambda[p] >= threshold else { return -1 }
            return label[0]
        }
    }

    /// Bottom-up (children have larger ids): a cluster whose children's summed stability exceeds
    /// its own passes that sum up instead; otherwise it is selected and everything below it is not.
    private static func excessOfMass(_ stability: [Double], children: [[Int]], includeRoot: Bool) -> [Bool] {
        var stability = stability
        var selected = [Bool](repeating: true, count: stability.count)
        if !includeRoot { selected[0] = false }
        for c in stride(from: stability.count - 1, through: includeRoot ? 0 : 1, by: -1) {
            let below = children[c].reduce(0.0) { $0 + stability[$1] }
            if below > stability[c] {
                selected[c] = false
                stability[c] = below
            } else {
                var stack = children[c]
                while let d = stack.popLast() {
                    selected[d] = false
                    stack += children[d]
                }
            }
        }
        return selected
    }

    /// With `allowSingleCluster` and the root as the only cluster, the root's points that stay until
    /// its largest λ belong to it: that λ. Nil otherwise (the root's points are noise).
    private static func singleClusterThreshold(_ tree: CondensedTree, selected: [Bool], allow: Bool) -> Double? {
        guard allow, selected[0], selected.filter({ $0 }).count == 1 else { return nil }
        return tree.parent.indices.filter { tree.parent[$0] == tree.pointCount }.map { tree.lambda[$0] }.max()
    }
}
