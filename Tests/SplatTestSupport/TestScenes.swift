import Foundation
import SplatSynth

/// Scenes for the tests that need one to load, break or train on: SplatSynth scenes generated once
/// per test process into its scratch folder, so they need nothing outside the project. Read-only:
/// copy one before changing it.
public enum TestScenes {
    /// SplatSynth's `tiny` preset, seed 6: 64×48, 12 views (10 train, 2 test: every 8th), 3 objects
    /// (a sphere, a box, a cone), 3000 points, simulated SAM masks and ground truth.
    public static func tiny() throws -> URL { try tinyScene.get() }
    /// SplatSynth's `small` preset, seed 3: 160×120, 24 views (21 train, 3 test), 6 objects, 8000 points.
    public static func small() throws -> URL { try smallScene.get() }

    /// The synthetic scene folders the loaders' tests read: `tiny()` as "splatsynth-tiny", then
    /// gen_scene.py's tiny-1 and small-2 from ../shared/data when present (`url(_:)` finds each).
    public static var synthetic: [String] {
        ["splatsynth-tiny"] + ["synthetic/tiny-1", "synthetic/small-2"].filter { TestData.url($0) != nil }
    }

    /// The folder of a name in `synthetic`.
    public static func url(_ name: String) throws -> URL {
        if name == "splatsynth-tiny" { return try tiny() }
        guard let url = TestData.url(name) else { throw TestDataMissing(path: name) }
        return url
    }

    private static let tinyScene = generate("tiny", seed: 6)
    private static let smallScene = generate("small", seed: 3)

    private static func generate(_ preset: String, seed: UInt64) -> Result<URL, Error> {
        Result {
            let url = try TestData.temporaryDirectory("synth-\(preset)-\(seed)")
            try SceneWriter.write(try SceneGenerator.generate(try SynthConfig.preset(preset, seed: seed)), to: url)
            return url
        }
    }
}

/// A path of ../shared/data that is absent.
public struct TestDataMissing: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "../shared/data/\(path) is missing" }
}
