import ArgumentParser
import Foundation
import SplatLift
import SplatMath

/// `splatlift bench hdbscan`: per-stage times of HDBSCAN on seeded clustered unit vectors.
struct BenchHDBSCANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hdbscan",
        abstract: "Time the stages of HDBSCAN on seeded clustered points (like normalised identity features).",
        discussion: """
        Generates --points unit vectors in --dimension dimensions: --clusters groups around random \
        unit directions (sizes and spreads vary per group) plus --noise of the points uniform on \
        the sphere. Clusters them once and prints the seconds per stage, the process CPU seconds \
        (summed over threads, which other load affects much less), the clusters and noise found, \
        and the load average.
        """
    )

    @Option(parsing: .unconditional, help: "Number of points.") var points = 100_000
    @Option(parsing: .unconditional, help: "Coordinates per point.") var dimension = 16
    @Option(parsing: .unconditional, help: "HDBSCAN min_cluster_size.") var minClusterSize = 50
    @Option(parsing: .unconditional, help: "HDBSCAN min_samples (default: --min-cluster-size).") var minSamples: Int?
    @Option(parsing: .unconditional, help: "Groups in the generated points.") var clusters = 20
    @Option(parsing: .unconditional, help: "Fraction of the points spread uniformly.") var noise = 0.05
    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores, 1 = the calling thread only).") var threads = 0
    @Option(parsing: .unconditional, help: "Seed of the generated points.") var seed: UInt64 = 0

    func validate() throws {
        try OptionCheck.int(points, "--points", 2...(1 << 26))
        try OptionCheck.int(dimension, "--dimension", 1...256)
        try OptionCheck.int(minClusterSize, "--min-cluster-size", 2...points)
        try OptionCheck.int(minSamples, "--min-samples", 1...points)
        try OptionCheck.int(clusters, "--clusters", 1...points)
        try OptionCheck.real(noise, "--noise", 0...1)
        try OptionCheck.int(threads, "--threads", OptionCheck.threads)
    }

    func run() throws {
        try oneLineErrors {
            let data = Self.clusteredUnitVectors(count: points, dimension: dimension, clusters: clusters,
                                                 noise: noise, seed: seed)
            let settings = HDBSCAN.Settings(minClusterSize: minClusterSize, minSamples: minSamples)
            let cpuStart = Self.processCPUSeconds()
            let result = try HDBSCAN.cluster(points: data, dimension: dimension, settings: settings, threads: threads)
            let cpu = Self.processCPUSeconds() - cpuStart
            print("bench hdbscan: \(points) points, \(dimension)-d, \(clusters) groups + \(Int(noise * 100))% noise, "
                  + "min_cluster_size \(minClusterSize), min_samples \(minSamples ?? minClusterSize), "
                  + "load average \(String(format: "%.2f", loadAverage()))")
            for (name, seconds) in result.seconds.stages {
                print("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%8.3f s", seconds))
            }
            let total = result.seconds.stages.reduce(0) { $0 + $1.1 }
            print("  " + "total".padding(toLength: 28, withPad: " ", startingAt: 0)
                  + String(format: "%8.3f s   (CPU %.3f s)", total, cpu))
            print("  \(result.clusterCount) clusters, \(result.labels.filter { $0 < 0 }.count) noise points")
        }
    }

    /// CPU seconds of this process so far, all threads.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Unit vectors: group g (of `clusters`, sizes ∝ 1 + uniform) around a random direction with
    /// per-coordinate spread 0.03–0.12, and `noise` of the points uniform on the sphere.
    static func clusteredUnitVectors(count n: Int, dimension d: Int, clusters k: Int, noise: Double,
                                     seed: UInt64) -> [Float] {
        var rng = SplatRandom(seed: seed)
        func unit(_ v: [Double]) -> [Double] {
            let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            return v.map { $0 / norm }
        }
        let centres = (0..<k).map { _ in unit((0..<d).map { _ in rng.normal() }) }
        let spreads = (0..<k).map { _ in 0.03 + 0.09 * rng.uniform() }
        let weights = (0..<k).map { _ in 1 + rng.uniform() }
        let total = weights.reduce(0, +), grouped = n - Int(noise * Double(n))
        var out: [Float] = []
        out.reserveCapacity(n * d)
        var start = 0
        for g in 0..<k {
            let end = g == k - 1 ? grouped : start + Int(Double(grouped) * weights[g] / total)
            for _ in start..<end {
                out += unit((0..<d).map { centres[g][$0] + spreads[g] * rng.normal() }).map { Float($0) }
            }
            start = end
        }
        while out.count < n * d { out += unit((0..<d).map { _ in rng.normal() }).map { Float($0) } }
        return out
    }
}
