import Foundation
import SplatTestSupport
import Testing

/// scripts/tests/test_chair_superpixel_masks.py, the Python unittest of
/// scripts/chair_superpixel_masks.py (the alpha + superpixel stand-in segmenter), run here so
/// `swift test` (and CI) covers it. Skipped when python3 or numpy is absent; without scikit-image
/// the script's numbering logic is still tested and the runs of the segmenter are skipped by unittest.
@Suite struct ChairSuperpixelScriptTests {
    @Test(.enabled(if: SamMasksScriptTests.python != nil,
                   "python3 with numpy is not installed: scripts/tests/test_chair_superpixel_masks.py skipped"))
    func pythonUnittestPasses() throws {
        let script = TestData.projectRoot.appendingPathComponent("scripts/tests/test_chair_superpixel_masks.py")
        let run = try CLIRun(executable: try #require(SamMasksScriptTests.python), [script.path, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Ran 8 tests") && run.stderr.contains("\nOK"), "\(run.stderr)")
    }
}
