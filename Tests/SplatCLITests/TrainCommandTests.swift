import Foundation
import Testing
import SplatTestSupport

@Suite struct TrainCommandTests {
    /// `train` into a folder holding a model fails in one line until --overwrite, which replaces
    /// the older run's point clouds; --resume refuses a changed seed.
    @Test func refusesAUsedFolderUntilOverwrite() throws {
        let scene = try TestScenes.tiny().path
        let out = try TestData.temporaryDirectory("train-cli").appendingPathComponent("model")
        let train = ["train", scene, "--out", out.path, "--no-segmentation", "--iterations"]
        let first = try CLIRun(train + ["2"])
        #expect(first.status == 0, "\(first.stderr)")

        let again = try CLIRun(train + ["3"])
        #expect(again.status == 1 && !again.crashed)
        #expect(again.stderr.split(separator: "\n") == ["Error: \(out.path): holds a trained model (cfg.json, checkpoint.bin, "
                                                        + "train_log.jsonl, point_cloud/); --overwrite clears it, --resume continues it"])

        let overwritten = try CLIRun(train + ["3", "--overwrite"])
        #expect(overwritten.status == 0, "\(overwritten.stderr)")
        let clouds = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("point_cloud").path)
        #expect(clouds == ["iteration_3"])

        let reseeded = try CLIRun(["train", scene, "--out", out.path, "--resume", "--iterations", "4", "--seed", "4"])
        #expect(reseeded.status == 1 && reseeded.stderr == "Error: --resume cannot change --seed (the model used 0)\n")
    }
}
