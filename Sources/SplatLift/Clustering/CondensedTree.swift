import SplatMath
/// The condensed cluster tree (scikit-learn's `_condense_tree`): walking the single-linkage
/// hierarchy from the root, a split where both sides have at least `minClusterSize` points makes
/// two new clusters; a side smaller than that is not a cluster, and its points fall out of the
/// parent cluster at λ = 1/distance (∞ at distance 0). Row r says `child` (a point id < n, or a
/// cluster id ≥ n; the root is n) leaves or splits off `parent` at `lambda` with `size` points.
/// Rows come in scikit-learn's order, so the stabilities sum in the same order.
struct CondensedTree {
    var parent: [Int] = []
    var child: [Int] = []
    var lambda: [Double] = []
    var size: [Int] = []
    let pointCount: Int
    private(set) var clusterCount = 1

    init(_ hierarchy: SingleLinkage, minClusterSize: Int) {
        let n = hierarchy.pointCount
        pointCount = n
        let root = 2 * (n - 1)
        var relabel = [Int](repeating: 0, count: root + 1)
        relabel[root] = n
        var ignore = [Bool](repeating: false, count: root + 1)
        var order: [Int] = [], subtree: [Int] = []
        hierarchy.breadthFirst(from: root, into: &order)
        for node in order where node >= n && !ignore[node] {
            let merge = node - n
            let left = hierarchy.left[merge], right = hierarchy.right[merge], distance = hierarchy.distance[merge]
            let value = distance > 0 ? 1 / distance : Double.infinity
            let leftCount = left >= n ? hierarchy.size[left - n] : 1
            let rightCount = right >= n ? hierarchy.size[right - n] : 1
            let cluster = relabel[node]
            switch (leftCount >= minClusterSize, rightCount >= minClusterSize) {
            case (true, true):
                for (side, count) in [(left, leftCount), (right, rightCount)] {
                    relabel[side] = n + clusterCount
                    clusterCount += 1
                    append(cluster, relabel[side], value, count)
                }
            case (false, false):
                for side in [left, right] {
                    fallOut(side, of: cluster, at: value, hierarchy, &ignore, &subtree)
                }
            case (false, true):
                relabel[right] = cluster
                fallOut(left, of: cluster, at: value, hierarchy, &ignore, &subtree)
            case (true, false):
                relabel[left] = cluster
                fallOut(right, of: cluster, at: value, hierarchy, &ignore, &subtree)
            }
        }
    }

    /// Every point under `side` leaves `cluster` at `value`; the subtree is not walked again.
    private mutating func fallOut(_ side: Int, of cluster: Int, at value: Double, _ hierarchy: SingleLinkage,
                                  _ ignore: inout [Bool], _ subtree: inout [Int]) {
        hierarchy.breadthFirst(from: side, into: &subtree)
        for node in subtree {
            if node < pointCount { append(cluster, node, value, 1) }
            ignore[node] = true
        }
    }

    private mutating func append(_ p: Int, _ c: Int, _ value: Double, _ count: Int) {
        parent.append(p)
        child.append(c)
        lambda.append(value)
        size.append(count)
    }

    /// Per cluster (index id − n), the excess of mass Σ (λ_leave − λ_birth)·size over its rows
    /// (scikit-learn's `_compute_stability`, same order, so ∞ − ∞ is NaN there as here).
    func stabilities() -> [Double] {
        var birth = [Double](repeating: 0, count: clusterCount)
        for r in parent.indices where child[r] >= pointCount { birth[child[r] - pointCount] = lambda[r] }
        var stability = [Double](repeating: 0, count: clusterCount)
        for r in parent.indices {
            let c = parent[r] - pointCount
            stability[c] += (lambda[r] - birth[c]) * Double(size[r])
        }
        return stability
    }
}
