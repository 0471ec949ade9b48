import Foundation
import SplatTestSupport
import Testing

/// The Ray runner on a real local Ray (docs/SCALE.md). scripts/tests/test_ray_train_blocks.py: a
/// tiny scene's 1×2 plan, one block's training SIGKILLed after its first checkpoint, retried by
/// Ray, resumed, and the merged model byte-identical to an uninterrupted run.
/// scripts/tests/test_ray_train_scenes.py: a batch of two tiny scenes and a broken folder, one
/// scene killed the same way and resumed to the uninterrupted point cloud, the summary table with
/// both scenes' metrics and the broken one failed with its reason. `scripts/test.sh` installs ray;
/// skipped where python3 has no ray. Serialized: each test starts its own local Ray.
@Suite(.serialized) struct RayBlocksScriptTests {
    static let hasRay: Bool = {
        guard let python = SamMasksScriptTests.python,
              let probe = try? CLIRun(executable: python, ["-c", "import ray"]) else { return false }
        return probe.status == 0
    }()

    static func runScript(_ name: String) throws {
        let script = TestData.projectRoot.appendingPathComponent("scripts/tests/\(name)")
        let run = try CLIRun(executable: try #require(SamMasksScriptTests.python), [script.path, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\nOK") && !run.stderr.contains("skipped"), "\(run.stderr)")
    }

    @Test(.enabled(if: hasRay, "python3 has no ray (pip install ray): scripts/tests/test_ray_train_blocks.py skipped"))
    func killedBlockIsRetriedAndTheMergeIsUnchanged() throws {
        try Self.runScript("test_ray_train_blocks.py")
    }

    @Test(.enabled(if: hasRay, "python3 has no ray (pip install ray): scripts/tests/test_ray_train_scenes.py skipped"))
    func batchOfScenesWithAKilledSceneHasItsSummary() throws {
        try Self.runScript("test_ray_train_scenes.py")
    }
}
