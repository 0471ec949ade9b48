import Foundation
@testable import SplatSynth

/// The small scene the tests share: 48×36, 6 views, 4 objects (includes a composite), generated once.
enum TinyScene {
    static func config(seed: UInt64 = 3) -> SynthConfig {
        var cfg = SynthConfig(preset: "test", seed: seed, width: 48, height: 36, views: 6, objects: 4,
                              supersampling: 2, points: 800)
        cfg.holdout = 4
        return cfg
    }

    static let generated: GeneratedScene? = try? SceneGenerator.generate(config())
}
