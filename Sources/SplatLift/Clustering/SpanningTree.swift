import SplatMath
/// An edge of the minimum spanning tree of the mutual-reachability graph: points a < b and their
/// squared mutual reachability max(core²(a), core²(b), d²(a, b)).
/// `length` is their squared distance d²(a, b).
struct ReachabilityEdge: Comparable, Sendable {
    var a: Int32
    var b: Int32
    var weight: Double
    var length: Double

    init(_ p: Int32, _ q: Int32, weight: Double, length: Double) {
        (a, b) = p < q ? (p, q) : (q, p)
        self.weight = weight
        self.length = length
    }

    static let none = ReachabilityEdge(.max, .max, weight: .infinity, length: .infinity)

    /// The total order that makes the tree unique: by weight, then length (so identical points
    /// join each other first), then a, then b.
    static func < (l: Self, r: Self) -> Bool {
        (l.weight, l.length, l.a, l.b) < (r.weight, r.length, r.a, r.b)
    }
}

/// The minimum spanning tree of the mutual-reachability graph, unique under `ReachabilityEdge`'s
/// total order, as n − 1 edges in that order.
enum SpanningTree {
    /// Borůvka's algorithm on the ball tree: each round every component finds its lightest edge to
    /// another component (`ComponentRound.lightestEdges`) and the edges join the components.
    /// Every edge weighs at least its end points' core distances, so points whose core distance
    /// exceeds their component's best edge so far stop searching, and tree nodes that lie inside
    /// the searching component, or whose points' core distances exceed the bound, are pruned.
    static func boruvka(_ tree: FeatureBallTree, neighbours: NearestNeighbours, threads: Int) -> [ReachabilityEdge] {
        let n = tree.count, core = neighbours.coreSquared
        let slotCore = tree.slotPoints.map { $0 >= 0 ? core[Int($0)] : .infinity }
        let nodeMinCore = tree.perNode(slots: slotCore, leaf: { $0.min() ?? .infinity }, merge: { min($0, $1) })
        let representatives = Duplicates.representatives(points: tree.points, dimension: tree.dimension)
        var components = ComponentUnion(count: n)
        var edges: [ReachabilityEdge] = []
        while edges.count < n - 1 {
            let round = ComponentRound(components: &components, tree: tree)
            let best = round.lightestEdges(tree: tree, neighbours: neighbours, representatives: representatives,
                                           slotCore: slotCore, nodeMinCore: nodeMinCore, threads: threads)
            let before = edges.count
            for edge in best where components.union(Int(edge.a), Int(edge.b)) { edges.append(edge) }
            precondition(edges.count > before, "Borůvka round added no edge")
        }
        return edges.sorted()
    }

    /// The slow reference: Prim's algorithm on the dense graph, same total order.
    static func prim(points: [Float], dimension d: Int, coreSquared core: [Double]) -> [ReachabilityEdge] {
        let n = core.count
        var inTree = [Bool](repeating: false, count: n)
        var link = [ReachabilityEdge](repeating: .none, count: n)
        var edges: [ReachabilityEdge] = []
        var current = 0
        for _ in 1..<n {
            inTree[current] = true
            var next = -1
            for j in 0..<n where !inTree[j] {
                let r = NearestNeighbours.squaredDistance(points, d, current, j)
                let edge = ReachabilityEdge(Int32(current), Int32(j), weight: max(core[current], core[j], r), length: r)
                if edge < link[j] { link[j] = edge }
                if next < 0 || link[j] < link[next] { next = j }
            }
            edges.append(link[next])
            current = next
        }
        return edges.sorted()
    }
}

/// Union-find over the points, for Borůvka's components.
struct ComponentUnion {
    private var parent: [Int32]

    init(count: Int) { parent = (0..<count).map { Int32($0) } }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    /// Joins the components of x and y; false when they were one already.
    mutating func union(_ x: Int, _ y: Int) -> Bool {
        let (rx, ry) = (find(x), find(y))
        guard rx != ry else { return false }
        parent[max(rx, ry)] = Int32(min(rx, ry))
        return true
    }
}
