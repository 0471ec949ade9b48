import Foundation
import SplatMath
import SplatRaster

/// How a training step grows with the scene (`splatlift bench raster --sweep`, docs/PERFORMANCE.md):
/// a `Trainer` steps a seeded random scene (`BenchmarkScene`: SH degree 3, RGB only) against one
/// random photo, late in a run (all SH bands in use, no densification), for each number of
/// Gaussians and image size; each step is timed, and the memory the run holds is measured.
public enum ScalingSweep {
    public struct Point: Codable, Sendable {
        public var gaussians: Int
        public var width: Int
        public var height: Int
        /// Median and minimum wall seconds of one training step (render, loss, backward, Adam).
        public var secondsPerStep: Double
        public var minSecondsPerStep: Double
        /// Peak resident memory while the run existed, above what the process held before its
        /// Gaussians were made (the photo excluded): parameters, Adam's moments, the trainer's and
        /// the rasterizer's buffers.
        public var peakBytes: Int
        public var bytesPerGaussian: Double
        /// The parameters and Adam's two moments alone (exact).
        public var parameterAndAdamBytesPerGaussian: Int
    }

    /// One point: `steps` timed steps after one warm-up step.
    public static func measure(gaussians: Int, width: Int, height: Int, steps: Int, threads: Int,
                               seed: UInt64) throws -> Point {
        ProcessMemory.mapLargeAllocationsSeparately()
        let camera = BenchmarkScene.camera(width: width, height: height)
        var rng = SplatRandom(seed: seed &+ 1)
        let photo = TrainingView(name: "random", camera: camera,
                                 image: (0..<3 * width * height).map { _ in rng.uniformFloat() })
        var config = TrainConfig()
        config.threads = threads
        config.seed = seed
        let lateIteration = config.maxSHDegree * config.shDegreeInterval
        config.iterations = lateIteration + steps + 2
        config.densifyUntilIteration = 0

        let baseline = ProcessMemory.residentBytes()
        ProcessMemory.resetPeak()
        var times: [Double] = []
        do {
            let scene = BenchmarkScene.gaussians(count: gaussians, camera: camera, featureCount: 0, seed: seed)
            let state = TrainState(iteration: lateIteration, gaussians: scene, adam: AdamState(for: scene),
                                   stats: DensificationStats(count: gaussians), rng: SplatRandom(seed: seed),
                                   viewStack: [], sceneExtent: 5)
            let trainer = try Trainer(config: config, views: [photo], state: state, backend: CPURasterizer())
            for step in 0...steps {
                var clock = Stopwatch()
                try trainer.step()
                if step > 0 { times.append(clock.lap()) }
            }
        }
        let peak = max(0, ProcessMemory.peakResidentBytes() - baseline)
        let one = GaussianParams(count: 1, shDegree: 3)
        let floatsPerGaussian = one.means.count + one.logScales.count + one.rotations.count + one.opacityLogits.count
            + one.sh.count
        return Point(gaussians: gaussians, width: width, height: height, secondsPerStep: medianValue(times),
                     minSecondsPerStep: times.min() ?? 0, peakBytes: peak, bytesPerGaussian: Double(peak) / Double(gaussians),
                     parameterAndAdamBytesPerGaussian: 3 * floatsPerGaussian * MemoryLayout<Float>.size)
    }
}
