import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatIO

@Suite struct SceneBadInputTests {
    /// A writable copy of the tiny scene (64×48, 12 views; the caller removes its parent folder).
    func tinyCopy() throws -> URL {
        try copyToTemporary(try TestScenes.tiny(), name: "scene-bad")
    }

    @Test func maskOfTheWrongSizeIsReported() throws {
        let root = try tinyCopy()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try ImageIO.writeLabelMap(LabelMap(width: 32, height: 24, labels: [Int32](repeating: 1, count: 32 * 24)),
                                  to: root.appendingPathComponent("sam_masks/frame_00004.png"))
        let message = splatErrorMessage { _ = try SceneLoader.load(root) }
        #expect(message == "\(root.path): scene has 1 problem: sam_masks/frame_00004.png is 32x24 but the image is 64x48")
    }

    @Test func everyProblemIsReportedInOneLine() throws {
        let root = try tinyCopy()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let fm = FileManager.default
        try fm.removeItem(at: root.appendingPathComponent("images/frame_00002.png"))
        try fm.removeItem(at: root.appendingPathComponent("sam_masks/frame_00005.png"))
        try fm.removeItem(at: root.appendingPathComponent("images/frame_00007.png"))
        try ImageIO.writePNG(RGBImage(width: 160, height: 120, pixels: [Float](repeating: 0.5, count: 3 * 160 * 120)),
                             to: root.appendingPathComponent("images/frame_00007.png"))
        let message = try #require(splatErrorMessage { _ = try SceneLoader.load(root) })
        #expect(message == "\(root.path): scene has 5 problems: images/frame_00002.png missing; "
            + "sam_masks/frame_00005.png missing; images/frame_00007.png is 160x120 but its camera says 64x48; "
            + "sam_masks/frame_00007.png is 64x48 but the image is 160x120; "
            + "gt_instance/frame_00007.png is 64x48 but the image is 160x120")
        #expect(!message.contains("\n"))
    }

    @Test func missingImagesFolderIsReported() throws {
        let root = try tinyCopy()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: root.appendingPathComponent("images"))
        let message = splatErrorMessage { _ = try SceneLoader.load(root) }
        #expect(message == "\(root.path)/images: images folder is missing (a COLMAP scene needs its photos in images/ next to sparse/)")
    }

    @Test func nanInTheColmapModelIsReported() throws {
        let root = try tinyCopy()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let url = root.appendingPathComponent("sparse/0/points3D.bin")
        var bytes = [UInt8](try Data(contentsOf: url))
        // Record 0: uint64 count, then uint64 id, then x at byte 16.
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { bytes.replaceSubrange(16..<24, with: $0) }
        try Data(bytes).write(to: url)
        let message = splatErrorMessage { _ = try SceneLoader.load(root) }
        #expect(message == "\(url.path): point record 0 (id 1) (byte 24): x is not finite (nan)")
    }

    @Test func badSplitAndMissingMaskFolderAreReported() throws {
        let root = try tinyCopy()
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try #"{"train": ["frame_00001.png"], "test": ["frame_00000.png", "nope.png"]}"#
            .write(to: root.appendingPathComponent("split.json"), atomically: true, encoding: .utf8)
        let message = try #require(splatErrorMessage { _ = try SceneLoader.load(root) })
        #expect(message.hasPrefix("\(root.path): scene has 11 problems: split.json names nope.png, which is not a view; "
            + "split.json lists frame_00002.png as neither train nor test;"))
        let noMasks = root.appendingPathComponent("elsewhere")
        #expect(splatErrorMessage { _ = try SceneLoader.load(root, options: SceneLoadOptions(masks: noMasks)) }
            == "\(noMasks.path): masks folder does not exist")
        try FileManager.default.removeItem(at: root.appendingPathComponent("sam_masks"))
        #expect(splatErrorMessage { _ = try SceneLoader.load(root, options: SceneLoadOptions(requireMasks: true)) }?
            .contains("no masks folder") == true)
    }

    @Test func emptyFolderAndBrokenTransformsAreReported() throws {
        let root = try TestData.temporaryDirectory("scene-empty")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(splatErrorMessage { _ = try SceneLoader.load(root) }?.contains("no cameras found") == true)
        let t = root.appendingPathComponent("transforms.json")
        try #"{"fl_x": 10, "w": 8, "h": 6, "frames": [{"file_path": "a.png", "transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1]]}]}"#
            .write(to: t, atomically: true, encoding: .utf8)
        #expect(splatErrorMessage { _ = try SceneLoader.load(root) } == "\(t.path): frame 0: transform_matrix is not a 3×4 or 4×4 matrix")
        try #"{"fl_x": 10, "w": 8, "h": 6, "frames": [{"file_path": "a.png", "transform_matrix": [[1,0,0,0],[0,1,0,0],[0,0,1,0]]}]}"#
            .write(to: t, atomically: true, encoding: .utf8)
        #expect(splatErrorMessage { _ = try SceneLoader.load(root) } == "\(root.path): scene has 2 problems: a.png missing; "
            + "no training views (every 8th view is a test view and there are 1)")
        try "{".write(to: t, atomically: true, encoding: .utf8)
        #expect(splatErrorMessage { _ = try SceneLoader.load(t) }?.hasPrefix("\(t.path): not valid JSON") == true)
    }
}
