import Foundation
import SplatTestSupport
import Testing

/// A handful of the bad-input corpus (Tests/corpus) through the `splatlift` binary: exit status 1
/// and exactly one stderr line, "Error: <the file>: <what is wrong>" (SplatReliabilityTests replays
/// the whole corpus through the library readers).
@Suite struct CorpusCLITests {
    static func corpus(_ relative: String) -> String {
        TestData.projectRoot.appendingPathComponent("Tests/corpus/\(relative)").path
    }

    @Test(arguments: ["ply/count-1e12.ply", "ply/nan-opacity.ply", "ply/lying-count.ply", "ply/text.ply",
                      "ply/inf-scale.ply", "ply/face-list-huge.ply"])
    func renderPLYRefusesInOneLine(_ file: String) throws {
        let out = try TestData.temporaryDirectory("corpus-cli")
        let run = try CLIRun(["render-ply", Self.corpus(file), "--out", out.path, "--views", "1", "--width", "16", "--height", "12"])
        Self.expectOneLine(run, naming: Self.corpus(file))
    }

    @Test(arguments: ["transforms/not-json.json", "transforms/matrix-scaled.json", "transforms/focal-infinite.json",
                      "transforms/fisheye.json"])
    func infoRefusesATransformsFileInOneLine(_ file: String) throws {
        Self.expectOneLine(try CLIRun(["info", Self.corpus(file)]), naming: Self.corpus(file))
    }

    @Test(arguments: ["checkpoint/truncated-half.bin", "checkpoint/nan-mean.bin"])
    func resumeRefusesABrokenCheckpointInOneLine(_ file: String) throws {
        let model = try TestData.temporaryDirectory("corpus-resume").appendingPathComponent("model")
        let scene = try TestScenes.tiny()
        let first = try CLIRun(["train", scene.path, "--out", model.path, "--no-segmentation", "--iterations", "2"])
        try #require(first.status == 0, "\(first.stderr)")
        let checkpoint = model.appendingPathComponent("checkpoint.bin")
        try FileManager.default.removeItem(at: checkpoint)
        try FileManager.default.copyItem(atPath: Self.corpus(file), toPath: checkpoint.path)
        Self.expectOneLine(try CLIRun(["train", scene.path, "--out", model.path, "--resume", "--iterations", "4"]),
                           naming: checkpoint.path)
    }

    /// Found by reading the COCO reader for its corpus: width·height of a COCO image overflowed Int.
    @Test func masksImportRefusesAHugeCOCOImageInOneLine() throws {
        let out = try TestData.temporaryDirectory("corpus-masks").appendingPathComponent("masks")
        let file = Self.corpus("masks-coco/image-size-huge.json")
        let run = try CLIRun(["masks", "import", file, "--images", TestData.fixture("masks/images").path, "--out", out.path])
        Self.expectOneLine(run, naming: file)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Found by reading plan.json's reader for its corpus: rows × columns overflowed Int.
    @Test(arguments: ["plan/grid-overflow.json", "plan/axis-two-numbers.json", "plan/not-json.json"])
    func mergeRefusesABrokenPlanInOneLine(_ file: String) throws {
        Self.expectOneLine(try CLIRun(["merge", Self.corpus(file), "--out", "/nonexistent/merged"]), naming: Self.corpus(file))
    }

    static func expectOneLine(_ run: CLIRun, naming path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = run.stderr.split(separator: "\n")
        #expect(run.status == 1 && !run.crashed, "status \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: \(path): "), "\(run.stderr)", sourceLocation: sourceLocation)
    }
}
