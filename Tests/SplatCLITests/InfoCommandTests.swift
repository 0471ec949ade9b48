import Foundation
import Testing
import SplatTestSupport

/// Runs the built `splatlift` binary (it sits next to the test bundle in the build folder).
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var crashed: Bool

    static var binary: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("splatlift")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = TestData.projectRoot.appendingPathComponent(".build/release/splatlift")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    init(_ arguments: [String]) throws {
        try self.init(executable: try #require(Self.binary, "splatlift binary not found next to the tests"), arguments)
    }

    /// Runs another program (python3 for the scripts' tests).
    init(executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        crashed = process.terminationReason == .uncaughtSignal
        stdout = String(decoding: o, as: UTF8.self)
        stderr = String(decoding: e, as: UTF8.self)
    }
}

/// A temporary copy of the tiny scene for breaking.
func brokenTinyCopy(_ name: String) throws -> URL {
    let dir = try TestData.temporaryDirectory(name)
    let root = dir.appendingPathComponent("tiny")
    try FileManager.default.copyItem(at: try TestScenes.tiny(), to: root)
    return root
}

@Suite struct InfoCommandTests {
    @Test func summarisesASceneAsTextAndJSON() throws {
        let root = try TestScenes.tiny().path
        let text = try CLIRun(["info", root])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("views: 12 (10 train, 2 test; split: split.json)"))
        #expect(text.stdout.contains("image size: 64x48") && text.stdout.contains("masks: sam_masks (12 of 12 views)"))
        #expect(text.stdout.contains("points: 3000 (colours: model)"))
        let json = try CLIRun(["info", root, "--json"])
        #expect(json.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(obj["kind"] as? String == "scene" && obj["views"] as? Int == 12 && obj["points"] as? Int == 3000)
        #expect(obj["format"] as? String == "colmap-bin" && obj["viewsWithGroundTruth"] as? Int == 12)
    }

    @Test(.enabled(if: TestData.available))
    func summarisesPLYAndCOLMAPModelAndRealScenes() throws {
        let ply = try #require(TestData.url("3dgs-ply-samples/kacytran1122-try/point_cloud/iteration_7000/point_cloud.ply"))
        let r = try CLIRun(["info", ply.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["kind"] as? String == "ply" && obj["gaussians"] as? Int == 9080 && obj["shDegree"] as? Int == 3)
        #expect((obj["boundsMin"] as? [Double])?.count == 3)
        let donut = try CLIRun(["info", try #require(TestData.url("3dgs-ply-samples/GSHairLoD/_3dgs-assets/donut/donut/point_cloud/iteration_30000/fused.ply")).path])
        #expect(donut.status == 0 && donut.stdout.contains("gaussians: 45624") && donut.stdout.contains("SH degree: 0"))

        let cake = try #require(TestData.url("vggsfm-cake"))
        let model = try CLIRun(["info", cake.appendingPathComponent("output/cake").path])
        #expect(model.status == 0 && model.stdout.contains("images: 8") && model.stdout.contains("points: 4535"))
        #expect(model.stdout.contains("    0 SIMPLE_PINHOLE 683x384"))
        let scene = try CLIRun(["info", cake.path, "--images", cake.appendingPathComponent("examples/cake/images").path,
                                "--sparse", cake.appendingPathComponent("output/cake").path])
        #expect(scene.status == 0 && scene.stdout.contains("points: 4535 (colours: from images)"), "\(scene.stderr)")
        let fox = try CLIRun(["info", try #require(TestData.url("instant-ngp-fox")).path])
        #expect(fox.status == 0 && fox.stdout.contains("views: 67") && fox.stdout.contains("undistorted on load"), "\(fox.stderr)")
    }

    @Test func badScenesExitNonZeroWithOneLine() throws {
        let fm = FileManager.default
        let wrongMask = try brokenTinyCopy("info-mask")
        let missingImages = try brokenTinyCopy("info-images")
        let nanModel = try brokenTinyCopy("info-nan")
        defer { for u in [wrongMask, missingImages, nanModel] { try? fm.removeItem(at: u.deletingLastPathComponent()) } }
        // A mask from a bigger scene.
        try fm.removeItem(at: wrongMask.appendingPathComponent("sam_masks/frame_00001.png"))
        try fm.copyItem(at: try TestScenes.small().appendingPathComponent("sam_masks/frame_00001.png"),
                        to: wrongMask.appendingPathComponent("sam_masks/frame_00001.png"))
        try fm.removeItem(at: missingImages.appendingPathComponent("images"))
        let points = nanModel.appendingPathComponent("sparse/0/points3D.bin")
        var bytes = [UInt8](try Data(contentsOf: points))
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { bytes.replaceSubrange(16..<24, with: $0) }
        try Data(bytes).write(to: points)

        let cases: [(URL, String)] = [
            (wrongMask, "sam_masks/frame_00001.png is 160x120 but the image is 64x48"),
            (missingImages, "images folder is missing"),
            (nanModel, "points3D.bin: point record 0 (id 1) (byte 24): x is not finite"),
        ]
        for (root, expected) in cases {
            for extra in [[], ["--json"]] {
                let r = try CLIRun(["info", root.path] + extra)
                #expect(r.status != 0 && !r.crashed)
                #expect(r.stdout.isEmpty)
                let lines = r.stderr.split(separator: "\n")
                #expect(lines.count == 1, "\(r.stderr)")
                #expect(r.stderr.contains(expected), "\(r.stderr)")
            }
        }
        let missing = try CLIRun(["info", "/nonexistent/scene"])
        #expect(missing.status != 0 && !missing.crashed && missing.stderr.contains("scene does not exist"))
        let notPLY = try CLIRun(["info", wrongMask.appendingPathComponent("split.json").path])
        #expect(notPLY.status != 0 && !notPLY.crashed && notPLY.stderr.split(separator: "\n").count == 1)
    }
}
