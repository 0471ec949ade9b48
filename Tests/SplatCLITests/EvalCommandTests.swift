import Foundation
import Testing
import SplatTestSupport

@Suite struct EvalCommandTests {
    /// A segmented model of a scene without ground truth (as most real captures, and the batch
    /// runners' scenes): `eval` scores the images and says segmentation was not scored; a --gt
    /// folder without maps for the test views is still an error naming it.
    @Test func segmentedSceneWithoutGroundTruthGetsImageScores() throws {
        let work = try TestData.temporaryDirectory("eval-no-gt")
        let scene = work.appendingPathComponent("scene"), model = work.appendingPathComponent("model")
        try FileManager.default.copyItem(at: try TestScenes.tiny(), to: scene)
        try FileManager.default.removeItem(at: scene.appendingPathComponent("gt_instance"))
        let train = try CLIRun(["train", scene.path, "--out", model.path, "--iterations", "3"])
        #expect(train.status == 0, "\(train.stderr)")

        let eval = try CLIRun(["eval", model.path])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("segmentation not scored: no test view has a ground-truth instance map in "
                                     + scene.appendingPathComponent("gt_instance").path))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("metrics.json")))
        #expect((metrics as? [String: Any]).map { Set($0.keys) } == ["rendering"])

        let empty = work.appendingPathComponent("empty-gt")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let withGT = try CLIRun(["eval", model.path, "--gt", empty.path])
        #expect(withGT.status == 1 && !withGT.crashed)
        #expect(withGT.stderr == "Error: \(empty.path): none of the test views has a ground-truth instance map\n")
    }
}
