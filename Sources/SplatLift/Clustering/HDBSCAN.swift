import SplatMath

/// HDBSCAN (Campello, Moulavi & Sander 2013) with scikit-learn's semantics
/// (`sklearn.cluster.HDBSCAN`, Euclidean metric, `alpha = 1`, no epsilon or maximum size).
///
/// Density-based clustering over every density level at once: a cluster is a region denser than
/// its surroundings; points in no such region are noise (label −1). Stages:
///
/// 1. Core distances (`NearestNeighbours` on a `FeatureBallTree`): core(p) is the distance from p
///    to its `minSamples`-th nearest point, p itself counting as the first. An exact ball-tree
///    search, a leaf's points at a time, scanning 8 points per float32 SIMD step and computing
///    float64 distances only for candidates.
/// 2. Minimum spanning tree (`SpanningTree.boruvka`) of the mutual-reachability graph, where
///    d_mr(p, q) = max(core(p), core(q), d(p, q)): sparse points are pushed away from everything,
///    dense ones keep their distances. Borůvka's algorithm on the same tree: each round every
///    component finds its lightest outgoing edge, most of the first round straight from the
///    neighbour lists.
/// 3. Single-linkage hierarchy (`SingleLinkage`): the tree's edges in increasing weight merge
///    clusters, as a dendrogram.
/// 4. Condensed tree (`CondensedTree`): read top-down in λ = 1/distance, a split where both sides
///    have at least `minClusterSize` points makes two child clusters; smaller sides are points
///    falling out of their cluster. A cluster's stability is Σ over its points (λ_leave − λ_birth).
/// 5. Selection (`ClusterSelection`): excess of mass ("eom") picks the set of non-nested clusters
///    of greatest total stability; "leaf" picks the clusters that never split. The root (all
///    points) is a candidate only with `allowSingleCluster`.
///
/// Parameters: `minClusterSize` (≥ 2) is the smallest group reported as a cluster; `minSamples`
/// (default `minClusterSize`) sets how conservative the density estimate is: larger values
/// smooth the density and declare more points noise.
///
/// Distances are computed in float64 summing the coordinates in order, as scikit-learn does, so
/// every edge weight is bit-identical to scikit-learn's. Where edges have equal weight,
/// scikit-learn's merge order depends on numpy's unstable argsort (and a point bridging two
/// clusters at that weight may then join either side); here the spanning tree is the one unique
/// under the order (weight, distance, lower point index, higher point index), so the result is
/// deterministic and independent of the thread count. Identical partitions to scikit-learn
/// wherever its own answer does not depend on that order (Tests/oracles/make_hdbscan_fixtures.py).
public enum HDBSCAN {
    public enum Selection: String, Sendable, CaseIterable {
        case excessOfMass = "eom"
        case leaf
    }

    public struct Settings: Sendable, Equatable {
        /// The fewest points a cluster may have (scikit-learn's `min_cluster_size`, ≥ 2).
        public var minClusterSize: Int
        /// k of the core distance, the point itself included (`min_samples`); nil = `minClusterSize`.
        public var minSamples: Int?
        public var selection: Selection
        /// Whether all points may form one cluster (`allow_single_cluster`).
        public var allowSingleCluster: Bool

        public init(minClusterSize: Int = 5, minSamples: Int? = nil, selection: Selection = .excessOfMass,
                    allowSingleCluster: Bool = false) {
            self.minClusterSize = minClusterSize
            self.minSamples = minSamples
            self.selection = selection
            self.allowSingleCluster = allowSingleCluster
        }
    }

    /// Seconds per stage of one clustering.
    public struct StageSeconds: Sendable, Equatable {
        public var tree = 0.0
        public var coreDistances = 0.0
        public var spanningTree = 0.0
        public var hierarchy = 0.0

        /// (name, seconds) in pipeline order.
        public var stages: [(String, Double)] {
            [("ball tree", tree), ("core distances", coreDistances), ("spanning tree", spanningTree),
             ("condensed tree + selection", hierarchy)]
        }
    }

    public struct Clustering: Sendable {
        /// Per point its cluster 0..<clusterCount, or −1 for noise.
        public var labels: [Int32]
        public var clusterCount: Int
        public var seconds: StageSeconds
    }

    /// Cluster labels (−1 = noise) of `points`, n·`dimension` floats, row-major, on the calling
    /// thread when `threads` is 1 and on all cores otherwise. Throws on NaN, infinite or
    /// larger than 1e15 coordinates, a count that is not a multiple of `dimension`, fewer than 2
    /// points, or bad settings.
    public static func labels(points: [Float], dimension: Int, settings: Settings = Settings(),
                              threads: Int = 0) throws -> [Int32] {
        try cluster(points: points, dimension: dimension, settings: settings, threads: threads).labels
    }

    /// `labels` with the cluster count and the time per stage.
    public static func cluster(points: [Float], dimension: Int, settings: Settings = Settings(),
                               threads: Int = 0) throws -> Clustering {
        let minSamples = try validate(points: points, dimension: dimension, settings: settings)
        var clock = Stopwatch(), seconds = StageSeconds()
        let tree = FeatureBallTree(points: points, dimension: dimension)
        seconds.tree = clock.lap()
        let neighbours = NearestNeighbours(tree, k: minSamples, threads: threads)
        seconds.coreDistances = clock.lap()
        let edges = SpanningTree.boruvka(tree, neighbours: neighbours, threads: threads)
        seconds.spanningTree = clock.lap()
        let labels = labels(spanningTree: edges, pointCount: tree.count, settings: settings)
        seconds.hierarchy = clock.lap()
        return Clustering(labels: labels, clusterCount: Int((labels.max() ?? -1) + 1), seconds: seconds)
    }

    /// Stages 3–5 on a spanning tree given in increasing `ReachabilityEdge` order.
    static func labels(spanningTree edges: [ReachabilityEdge], pointCount: Int, settings: Settings) -> [Int32] {
        let condensed = CondensedTree(SingleLinkage(edges: edges, pointCount: pointCount),
                                      minClusterSize: settings.minClusterSize)
        return ClusterSelection.labels(condensed, method: settings.selection,
                                       allowSingleCluster: settings.allowSingleCluster)
    }

    /// The effective `minSamples`, or a one-line error naming what is wrong.
    static func validate(points: [Float], dimension d: Int, settings: Settings) throws -> Int {
        guard d >= 1 else { throw SplatError("HDBSCAN: dimension must be at least 1, got \(d)") }
        guard points.count % d == 0 else {
            throw SplatError("HDBSCAN: \(points.count) coordinates are not a whole number of \(d)-d points")
        }
        let n = points.count / d
        guard n >= 2 else { throw SplatError("HDBSCAN needs at least 2 points, got \(n)") }
        if let bad = points.firstIndex(where: { !$0.isFinite }) {
            throw SplatError("HDBSCAN: point \(bad / d) has a non-finite coordinate (\(points[bad]))")
        }
        // Beyond this, float32 squared distances could overflow in the leaf scans' filter.
        if let bad = points.firstIndex(where: { abs($0) > 1e15 }) {
            throw SplatError("HDBSCAN: point \(bad / d) has a coordinate beyond ±1e15 (\(points[bad])); scale the points")
        }
        guard settings.minClusterSize >= 2 else {
            throw SplatError("HDBSCAN: min_cluster_size must be at least 2, got \(settings.minClusterSize)")
        }
        let k = settings.minSamples ?? settings.minClusterSize
        guard k >= 1, k <= n else {
            throw SplatError("HDBSCAN: min_samples must be in 1...\(n) (the number of points), got \(k)")
        }
        return k
    }
}
