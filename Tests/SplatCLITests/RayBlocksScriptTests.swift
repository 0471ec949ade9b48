import Foundation
import SplatTestSupport
import Testing

/// scripts/tests/test_ray_train_blocks.py, the block runner on a real local Ray (docs/SCALE.md):
/// a tiny scene's 1×2 plan, one block's training SIGKILLed after its first checkpoint, retried by
/// Ray, resumed, and the merged model byte-identical to an uninterrupted run. `scripts/test.sh`
/// installs ray; skipped where python3 has no ray.
@Suite struct RayBlocksScriptTests {
    static let hasRay: Bool = {
        guard let python = SamMasksScriptTests.python,
              let probe = try? CLIRun(executable: python, ["-c", "import ray"]) else { return false }
        return probe.status == 0
    }()

    @Test(.enabled(if: hasRay, "python3 has no ray (pip install ray): scripts/tests/test_ray_train_blocks.py skipped"))
    func killedBlockIsRetriedAndTheMergeIsUnchanged() throws {
        let script = TestData.projectRoot.appendingPathComponent("scripts/tests/test_ray_train_blocks.py")
        let run = try CLIRun(executable: try #require(SamMasksScriptTests.python), [script.path, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\nOK") && !run.stderr.contains("skipped"), "\(run.stderr)")
    }
}
