import Testing
@testable import SplatLift
import SplatMath

/// `--objective contrastive`: the same feature gradient as Unified-Lift with gradient blocking
/// (the association losses reach only the codebook), and a codebook left as initialised.
@Suite struct ContrastiveObjectiveTests {
    @Test func featureGradientMatchesUnifiedLiftAndCodebookStays() throws {
        let (w, h, d) = (40, 30, 16)
        let scene = LiftObjectiveTests.blocks(width: w, height: h, columns: 4, rows: 3, d: d, seed: 7)
        var contrastiveConfig = LiftConfig()
        contrastiveConfig.objective = .contrastive
        let unified = try LiftObjective(config: LiftConfig(), labelMaps: [scene.labels], width: w, height: h)
        let contrastive = try LiftObjective(config: contrastiveConfig, labelMaps: [scene.labels], width: w, height: h)
        let initial = contrastive.codebook
        var gUnified = [Float](), gContrastive = [Float]()
        for iteration in 0..<3 {
            let a = try unified.step(iteration: iteration, viewIndex: 0, features: scene.features, width: w, height: h,
                                     featureGradient: &gUnified)
            let b = try contrastive.step(iteration: iteration, viewIndex: 0, features: scene.features, width: w, height: h,
                                         featureGradient: &gContrastive)
            #expect(gUnified == gContrastive)
            #expect(a["contrastive"] == b["contrastive"] && a["norm"] == b["norm"])
            #expect((a["class"] ?? 0) > 0 && b["class"] == 0)
        }
        #expect(contrastive.codebook == initial)
        #expect(unified.codebook != initial)
    }
}
