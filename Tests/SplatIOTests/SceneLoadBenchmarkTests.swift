import Foundation
import Testing
import SplatTestSupport
@testable import SplatIO

/// Load time of bench-3 at full resolution (SceneLoader.load plus every image and mask).
/// Opt-in: `SPLATLIFT_BENCH=1 swift test -c release --filter SceneLoadBenchmark`.
@Suite struct SceneLoadBenchmarkTests {
    @Test(.enabled(if: TestData.available && ProcessInfo.processInfo.environment["SPLATLIFT_BENCH"] != nil))
    func bench3FullResolution() throws {
        let root = try #require(TestData.url("synthetic/bench-3"))
        var best = (load: Double.infinity, total: Double.infinity)
        for _ in 0..<3 {
            let t0 = Date()
            let scene = try SceneLoader.load(root)
            let t1 = Date()
            for v in scene.views.indices {
                _ = try scene.loadImage(v)
                _ = try scene.loadMask(v)
            }
            let t2 = Date()
            best = (min(best.load, t1.timeIntervalSince(t0)), min(best.total, t2.timeIntervalSince(t0)))
            #expect(scene.views.count == 48)
        }
        print(String(format: "bench-3 (48 views, 320x240): SceneLoader.load %.1f ms, load + all images and masks %.1f ms (best of 3)",
                     best.load * 1000, best.total * 1000))
    }
}
