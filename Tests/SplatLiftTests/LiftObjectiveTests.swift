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

    static func timeSteps(width: Int, height: Int, steps: Int) throws -> Double {
        let d = 16
        let scene = Self.blocks(width: width, height: height, columns: 8, rows: 5, d: d, seed: 1)
        let objective = try LiftObjective(config: LiftConfig(), labelMaps: [scene.labels], width: width, height: height)
        var gradient = [Float]()
        _ = try objective.step(iteration: 0, viewIndex: 0, features: scene.features, width: width, height: height,
                               featureGradient: &gradient)   // warm-up: buffers grow once
        var best = Double.infinity
        for i in 1...steps {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try objective.step(iteration: i, viewIndex: 0, features: scene.features, width: width, height: height,
                                   featureGradient: &gradient)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return best
    }

    @Test func stepTiming() throws {
        let large = try Self.timeSteps(width: 320, height: 240, steps: 3)
        let small = try Self.timeSteps(width: 64, height: 48, steps: 5)
        print(String(format: "LiftObjective.step (L=256, d=16, 40 labels): 320x240 %.1f ms, 64x48 %.2f ms", large, small))
        #expect(large < 1000)
    }
}
