import Foundation
import Testing
@testable import SplatLift
import SplatMath
import SplatTestSupport

@Suite struct LiftObjectiveTests {
    /// A label map of rectangles (`columns`×`rows` blocks with shuffled ids) and features clustered per block.
    static func blocks(width: Int, height: Int, columns: Int, rows: Int, d: Int, seed: UInt64)
        -> (labels: [Int32], features: [Float]) {
        var rng = SplatRandom(seed: seed)
        var ids = (0..<(columns * rows)).map { Int32($0 * 3 + 1) }
        ids.shuffle(using: &rng)
        var labels = [Int32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { labels[y * width + x] = ids[(y * rows / height) * columns + x * columns / width] }
        }
        let f = Fixture.clusteredFeatures(labels: labels, d: d, noise: 0.3, rng: &rng).map(Float.init)
        return (labels, f)
    }

    /// Process CPU time (all threads), which unlike wall time is little affected by other load.
    static func cpuMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    /// Best wall and CPU milliseconds of one step over `steps` steps, after a warm-up step.
    static func timeSteps(width: Int, height: Int, steps: Int) throws -> (wall: Double, cpu: Double) {
        let d = 16
        let scene = Self.blocks(width: width, height: height, columns: 8, rows: 5, d: d, seed: 1)
        let objective = try LiftObjective(config: LiftConfig(), labelMaps: [scene.labels], width: width, height: height)
        var gradient = [Float]()
        _ = try objective.step(iteration: 0, viewIndex: 0, features: scene.features, width: width, height: height,
                               featureGradient: &gradient)   // warm-up: buffers grow once
        var wall = Double.infinity, cpu = Double.infinity
        for i in 1...steps {
            let start = DispatchTime.now().uptimeNanoseconds
            let startCPU = cpuMilliseconds()
            _ = try objective.step(iteration: i, viewIndex: 0, features: scene.features, width: width, height: height,
                                   featureGradient: &gradient)
            cpu = min(cpu, cpuMilliseconds() - startCPU)
            wall = min(wall, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return (wall, cpu)
    }

    /// Prints the step cost (run alone for meaningful numbers: suites run in parallel and CPU time
    /// is per process). The bound only catches gross regressions.
    @Test func stepTiming() throws {
        let large = try Self.timeSteps(width: 320, height: 240, steps: 4)
        let small = try Self.timeSteps(width: 64, height: 48, steps: 8)
        print(String(format: "LiftObjective.step (L=256, d=16, 40 labels): 320x240 %.1f ms wall / %.1f ms CPU, 64x48 %.2f ms wall / %.2f ms CPU",
                     large.wall, large.cpu, small.wall, small.cpu))
        #expect(large.cpu < 2000)
    }

    /// The per-pixel passes run in fixed chunks reduced in order: one thread and all threads give
    /// the same loss terms, feature gradient and codebook gradient, bit for bit (320×240: several
    /// chunks in every pass, and the codebook branch on a sample).
    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let (width, height) = (320, 240)
        let scene = Self.blocks(width: width, height: height, columns: 8, rows: 5, d: 16, seed: 3)
        var results: [(terms: [String: Double], gradient: [Float], codebook: [Float])] = []
        for threads in [1, 0] {
            let objective = try LiftObjective(config: LiftConfig(), labelMaps: [scene.labels], width: width, height: height)
            objective.threads = threads
            var gradient = [Float]()
            let terms = try objective.evaluate(iteration: 7, viewIndex: 0, features: scene.features, width: width,
                                               height: height, featureGradient: &gradient)
            results.append((terms, gradient, objective.lastCodebookGradient))
        }
        #expect(results[0].terms == results[1].terms)
        #expect(results[0].gradient == results[1].gradient)
        #expect(results[0].codebook == results[1].codebook)
        #expect(results[0].gradient.contains { $0 != 0 })
    }
}
