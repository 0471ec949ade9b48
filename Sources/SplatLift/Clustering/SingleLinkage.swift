import SplatMath
/// The single-linkage hierarchy of the spanning tree (scipy's linkage format, built as
/// scikit-learn's `make_single_linkage` does): merge i joins the clusters `left[i]` and `right[i]`
/// (ids < n are points, n + j is merge j) at `distance[i]` into a cluster of `size[i]` points.
struct SingleLinkage {
    var left: [Int] = []
    var right: [Int] = []
    var distance: [Double] = []
    var size: [Int] = []

    /// `edges` in increasing weight; edge a–b merges the clusters holding a and b, in that order.
    init(edges: [ReachabilityEdge], pointCount n: Int) {
        var parent = [Int](repeating: -1, count: max(2 * n - 1, 0))
        var clusterSize = [Int](repeating: 1, count: n) + [Int](repeating: 0, count: max(n - 1, 0))
        for (i, edge) in edges.enumerated() {
            let l = Self.findTop(Int(edge.a), &parent), r = Self.findTop(Int(edge.b), &parent)
            left.append(l)
            right.append(r)
            distance.append(edge.weight.squareRoot())
            size.append(clusterSize[l] + clusterSize[r])
            parent[l] = n + i
            parent[r] = n + i
            clusterSize[n + i] = clusterSize[l] + clusterSize[r]
        }
    }

    var pointCount: Int { left.count + 1 }

    /// The cluster holding x: its topmost ancestor, with the path pointed straight at it.
    private static func findTop(_ x: Int, _ parent: inout [Int]) -> Int {
        var top = x
        while parent[top] != -1 { top = parent[top] }
        var p = x
        while p != top && parent[p] != top {
            let next = parent[p]
            parent[p] = top
            p = next
        }
        return top
    }

    /// The ids of the subtree under `node`, breadth first (scikit-learn's `bfs_from_hierarchy`).
    func breadthFirst(from node: Int, into queue: inout [Int]) {
        queue.removeAll(keepingCapacity: true)
        queue.append(node)
        var i = 0
        let n = pointCount
        while i < queue.count {
            let x = queue[i]
            i += 1
            if x >= n {
                queue.append(left[x - n])
                queue.append(right[x - n])
            }
        }
    }
}
