import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatLift

/// HDBSCAN against scikit-learn (fixtures from Tests/oracles/make_hdbscan_fixtures.py) and its
/// fast stages against slow references.
@Suite struct HDBSCANTests {
    static let fixtureNames = ["tiny_2d", "blobs_2d", "blobs_3d", "unit_16d", "moons_2d", "noise_3d",
                               "duplicates_2d", "single_blob_2d", "stacked_1d"]

    /// Every run gives sklearn's tree code's partition on the same spanning tree (same tie order),
    /// numbered the same; runs whose sklearn answer does not depend on the tie order (tieRobust)
    /// also give `HDBSCAN().fit`'s partition.
    @Test(arguments: fixtureNames) func matchesScikitLearn(_ name: String) throws {
        let fixture = try HDBSCANFixture.load(name)
        let points = fixture.points
        for run in fixture.runs {
            let settings = HDBSCAN.Settings(minClusterSize: run.minClusterSize, minSamples: run.minSamples,
                                            selection: try #require(HDBSCAN.Selection(rawValue: run.selection)),
                                            allowSingleCluster: run.allowSingleCluster)
            let labels = try HDBSCAN.labels(points: points, dimension: fixture.dimension, settings: settings)
            let what = "\(name) mcs=\(run.minClusterSize) ms=\(run.minSamples ?? run.minClusterSize) \(run.selection)"
            #expect(adjustedRandIndex(labels, run.canonicalLabels) == 1, "\(what): not sklearn's tree code's partition")
            #expect(labels == run.canonicalLabels, "\(what): numbered differently from sklearn")
            if run.tieRobust {
                #expect(adjustedRandIndex(labels, run.labels) == 1, "\(what): not sklearn's partition")
            }
        }
    }

    /// Point sets of several dimensions with duplicates (ties at distance 0 and at the k-th
    /// neighbour) and clusters.
    static func randomPoints(_ n: Int, dimension d: Int, seed: UInt64) -> [Float] {
        var rng = SplatRandom(seed: seed)
        var points: [Float] = []
        for i in 0..<n {
            if i % 7 == 3, i > 0 {
                let other = rng.int(below: i)
                points += points[(other * d)..<(other * d + d)]
                continue
            }
            let centre = Float(rng.int(below: 3)) * 2
            for _ in 0..<d { points.append(centre + Float(rng.normal()) * 0.5) }
        }
        return points
    }

    static let shapes = [(1, 200), (2, 300), (3, 500), (16, 400), (17, 150)]

    /// The ball tree's core distances are the brute force's, bit for bit, for k from 1 to 20, and
    /// each neighbour list is complete exactly when no other point ties with the k-th.
    @Test(arguments: shapes) func nearestNeighboursMatchBruteForce(_ d: Int, _ n: Int) {
        let points = Self.randomPoints(n, dimension: d, seed: UInt64(d * 1000 + n))
        let tree = FeatureBallTree(points: points, dimension: d, leafSize: 9)
        for k in [1, 2, 5, 20] {
            let fast = NearestNeighbours(tree, k: k, threads: 0)
            #expect(fast.coreSquared == NearestNeighbours.bruteForceCoreSquared(points: points, dimension: d, k: k), "d=\(d) k=\(k)")
            for p in 0..<n {
                let within = Set((0..<n).filter { NearestNeighbours.squaredDistance(points, d, p, $0) <= fast.coreSquared[p] })
                let list = Set(fast.neighbours[(p * k)..<(p * k + k)].map(Int.init))
                #expect(list.count == k && list.isSubset(of: within) && fast.complete[p] == (within.count == k),
                        "d=\(d) k=\(k) point \(p)")
            }
        }
    }

    /// Borůvka on the tree builds the same spanning tree as dense Prim under the same total order.
    @Test(arguments: shapes) func boruvkaMatchesPrim(_ d: Int, _ n: Int) {
        let points = Self.randomPoints(n, dimension: d, seed: UInt64(d * 7 + n))
        let tree = FeatureBallTree(points: points, dimension: d, leafSize: 9)
        for k in [1, 4, 15] {
            let neighbours = NearestNeighbours(tree, k: k, threads: 0)
            let fast = SpanningTree.boruvka(tree, neighbours: neighbours, threads: 0)
            #expect(fast == SpanningTree.prim(points: points, dimension: d, coreSquared: neighbours.coreSquared), "d=\(d) k=\(k)")
        }
    }

    /// Groups of identical points among scattered ones: duplicates take the spanning tree's
    /// shortcuts (only representatives search), which must not change the tree.
    @Test(arguments: [2, 16]) func boruvkaMatchesPrimWithLargeDuplicateGroups(_ d: Int) {
        var rng = SplatRandom(seed: UInt64(d))
        var points: [Float] = []
        for group in 0..<3 {
            let location = (0..<d).map { _ in Float(group) + 0.3 * Float(rng.normal()) }
            for _ in 0..<(40 + 30 * group) { points += location }
        }
        for _ in 0..<(80 * d) { points.append(1.5 * Float(rng.normal())) }
        let tree = FeatureBallTree(points: points, dimension: d, leafSize: 9)
        for k in [1, 5, 50] {
            let neighbours = NearestNeighbours(tree, k: k, threads: 0)
            let fast = SpanningTree.boruvka(tree, neighbours: neighbours, threads: 0)
            #expect(fast == SpanningTree.prim(points: points, dimension: d, coreSquared: neighbours.coreSquared), "d=\(d) k=\(k)")
        }
    }

    /// 20,000 identical points: without the duplicate shortcuts every point would scan all the
    /// others (minutes); with them it takes a fraction of a second.
    @Test func identicalPointsAreClusteredQuickly() throws {
        let points = [Float](repeating: 0.5, count: 20_000 * 16)
        let start = Date()
        let labels = try HDBSCAN.labels(points: points, dimension: 16, settings: .init(minClusterSize: 50), threads: 1)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(labels.allSatisfy { $0 == -1 })          // sklearn: one stack of equal points is noise
    }

    @Test func labelsDoNotDependOnTheThreadCount() throws {
        let points = Self.randomPoints(3000, dimension: 16, seed: 5)
        let settings = HDBSCAN.Settings(minClusterSize: 20, minSamples: 8)
        let one = try HDBSCAN.labels(points: points, dimension: 16, settings: settings, threads: 1)
        #expect(one == (try HDBSCAN.labels(points: points, dimension: 16, settings: settings, threads: 0)))
        #expect(Set(one).count >= 3, "expected the three centres as clusters")
    }

    @Test func badInputIsAOneLineError() {
        let good: [Float] = [0, 0, 1, 1, 2, 2]
        let cases: [([Float], Int, HDBSCAN.Settings, String)] = [
            ([0, 0, .nan, 1, 2, 2], 2, .init(minClusterSize: 2), "HDBSCAN: point 1 has a non-finite coordinate (nan)"),
            ([0, 0, 1, 1, 2, -1e16], 2, .init(minClusterSize: 2),
             "HDBSCAN: point 2 has a coordinate beyond ±1e15 (-1e+16); scale the points"),
            (good, 4, .init(minClusterSize: 2), "HDBSCAN: 6 coordinates are not a whole number of 4-d points"),
            (good, 0, .init(minClusterSize: 2), "HDBSCAN: dimension must be at least 1, got 0"),
            (good, 6, .init(minClusterSize: 2), "HDBSCAN needs at least 2 points, got 1"),
            (good, 2, .init(minClusterSize: 1), "HDBSCAN: min_cluster_size must be at least 2, got 1"),
            (good, 2, .init(minClusterSize: 5), "HDBSCAN: min_samples must be in 1...3 (the number of points), got 5"),
            (good, 2, .init(minClusterSize: 2, minSamples: 0), "HDBSCAN: min_samples must be in 1...3 (the number of points), got 0"),
        ]
        for (points, d, settings, message) in cases {
            #expect(throws: SplatError(message)) { try HDBSCAN.labels(points: points, dimension: d, settings: settings) }
        }
    }

    @Test func adjustedRandIndexKnownValues() {
        #expect(adjustedRandIndex([0, 0, 1, 1], [5, 5, -1, -1]) == 1)
        #expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5)      // sklearn: -0.5
        #expect(abs(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) - 0.24242424242424243) < 1e-15)
    }
}

/// The adjusted Rand index of two labellings (scikit-learn's `adjusted_rand_score`, from the pair
/// confusion matrix); every label, noise −1 included, is one group. 1 exactly when the partitions
/// are the same.
func adjustedRandIndex(_ a: [Int32], _ b: [Int32]) -> Double {
    precondition(a.count == b.count)
    var joint: [Int64: Int] = [:], rows: [Int32: Int] = [:], columns: [Int32: Int] = [:]
    for (x, y) in zip(a, b) {
        joint[Int64(x) << 32 | Int64(UInt32(bitPattern: y)), default: 0] += 1
        rows[x, default: 0] += 1
        columns[y, default: 0] += 1
    }
    let n = a.count
    let sumSquares = joint.values.reduce(0) { $0 + $1 * $1 }
    let tp = sumSquares - n
    let fp = columns.values.reduce(0) { $0 + $1 * $1 } - sumSquares
    let fn = rows.values.reduce(0) { $0 + $1 * $1 } - sumSquares
    let tn = n * n - fp - fn - sumSquares
    if fn == 0 && fp == 0 { return 1 }
    return 2 * (Double(tp) * Double(tn) - Double(fn) * Double(fp))
        / (Double(tp + fn) * Double(fn + tn) + Double(tp + fp) * Double(fp + tn))
}

/// One file of Tests/fixtures/hdbscan: points (float32, base64) and sklearn's labels per setting.
struct HDBSCANFixture: Decodable {
    struct Run: Decodable {
        var minClusterSize: Int
        var minSamples: Int?
        var selection: String
        var allowSingleCluster: Bool
        var tieRobust: Bool
        var labels: [Int32]
        var canonicalLabels: [Int32]
    }

    var name: String
    var dimension: Int
    var count: Int
    var encodedPoints: String
    var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case name, dimension, count, runs
        case encodedPoints = "points"
    }

    var points: [Float] {
        let data = Data(base64Encoded: encodedPoints) ?? Data()
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    static func load(_ name: String) throws -> HDBSCANFixture {
        let data = try Data(contentsOf: TestData.fixture("hdbscan/\(name).json"))
        let fixture = try JSONDecoder().decode(HDBSCANFixture.self, from: data)
        #expect(fixture.points.count == fixture.count * fixture.dimension)
        return fixture
    }
}
