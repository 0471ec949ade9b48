import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatIO

/// Copies a data folder into a fresh temporary directory (for broken-input tests).
func copyToTemporary(_ source: URL, name: String = "splatio") throws -> URL {
    let dir = try TestData.temporaryDirectory(name)
    let dest = dir.appendingPathComponent(source.lastPathComponent)
    try FileManager.default.copyItem(at: source, to: dest)
    return dest
}

/// The message of the SplatError `body` throws, or nil when it throws none.
func splatErrorMessage(_ body: () throws -> Void) -> String? {
    do { try body() } catch let e as SplatError { return e.description } catch { return "not a SplatError: \(error)" }
    return nil
}

/// Text models round numbers (9-12 significant digits); compare with a tolerance.
func expectSameModel(_ a: ColmapModel, _ b: ColmapModel, tolerance: Double) {
    func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= tolerance * max(1, abs(x)) }
    #expect(a.cameras.keys.sorted() == b.cameras.keys.sorted())
    for (id, ca) in a.cameras {
        guard let cb = b.cameras[id] else { continue }
        #expect(ca.model == cb.model && ca.width == cb.width && ca.height == cb.height)
        #expect(zip(ca.params, cb.params).allSatisfy { close($0, $1) })
    }
    #expect(a.images.count == b.images.count)
    for (ia, ib) in zip(a.images, b.images) {
        #expect(ia.id == ib.id && ia.name == ib.name && ia.cameraID == ib.cameraID)
        #expect(close(ia.qvec.w, ib.qvec.w) && close(ia.qvec.x, ib.qvec.x) && close(ia.qvec.y, ib.qvec.y) && close(ia.qvec.z, ib.qvec.z))
        #expect(close(ia.tvec.x, ib.tvec.x) && close(ia.tvec.y, ib.tvec.y) && close(ia.tvec.z, ib.tvec.z))
        #expect(ia.points2D.count == ib.points2D.count)
        #expect(zip(ia.points2D, ib.points2D).allSatisfy { close($0.x, $1.x) && close($0.y, $1.y) && $0.point3DID == $1.point3DID })
    }
    #expect(a.points.count == b.points.count)
    #expect(zip(a.points, b.points).allSatisfy {
        $0.id == $1.id && $0.rgb == $1.rgb && $0.track == $1.track && close($0.error, $1.error)
            && close($0.xyz.x, $1.xyz.x) && close($0.xyz.y, $1.xyz.y) && close($0.xyz.z, $1.xyz.z)
    })
}

@Suite struct ColmapTests {
    /// SplatSynth's scene, and gen_scene.py's scenes when present: their text and binary models agree
    /// and hold the views and points scene.json declares.
    @Test(arguments: TestScenes.synthetic)
    func textAndBinaryModelsAgree(scene: String) throws {
        let root = try TestScenes.url(scene)
        let dir = root.appendingPathComponent("sparse/0")
        let text = try ColmapReader.read(directory: dir, format: .text)
        let binary = try ColmapReader.read(directory: dir, format: .binary)
        #expect(try ColmapReader.format(of: dir) == .binary)
        // The text files round numbers to 9 (cameras) to 12 (poses) significant digits and points to 1e-6.
        expectSameModel(text, binary, tolerance: 1e-6)
        #expect(text.images.first?.name == "frame_00000.png")
        #expect(text.images.map(\.name) == text.images.map(\.name).sorted())
        let cam = try #require(text.cameras[1])
        #expect(cam.model == .pinhole && cam.cx == Double(cam.width) / 2 && cam.cy == Double(cam.height) / 2)
        let declared = try declaredCounts(root)
        #expect(text.points.count == declared.points && text.images.count == declared.views)
    }

    @Test(.enabled(if: TestData.available))
    func vggsfmCakeHasCameraIDsFromZero() throws {
        let model = try ColmapReader.read(directory: try #require(TestData.url("vggsfm-cake/output/cake")))
        #expect(model.images.count == 8)
        #expect(model.points.count == 4535)
        #expect(model.cameras.count == 8)
        #expect(model.cameras.keys.min() == 0)
        #expect(model.cameras.values.allSatisfy { $0.model == .simplePinhole && $0.width == 683 && $0.height == 384 })
        #expect(model.points.allSatisfy { $0.rgb == (0, 0, 0) })
    }

    @Test(.enabled(if: TestData.available), arguments: ["synthetic/tiny-1/sparse/0", "vggsfm-cake/output/cake"])
    func modelsRoundTripExactly(path: String) throws {
        let original = try ColmapReader.read(directory: try #require(TestData.url(path)))
        let dir = try TestData.temporaryDirectory("colmap-roundtrip")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ColmapWriter.writeText(original, to: dir.appendingPathComponent("text"))
        try ColmapWriter.writeBinary(original, to: dir.appendingPathComponent("bin"))
        let text = try ColmapReader.read(directory: dir.appendingPathComponent("text"), format: .text)
        let binary = try ColmapReader.read(directory: dir.appendingPathComponent("bin"), format: .binary)
        #expect(Bool(text == original))
        #expect(Bool(binary == original))
    }

    @Test func everyCameraModelRoundTrips() throws {
        var cameras: [Int: ColmapCamera] = [:]
        for (k, m) in ColmapCameraModel.allCases.enumerated() {
            cameras[k] = ColmapCamera(id: k, model: m, width: 30 + k, height: 20 + k,
                                      params: (0..<m.parameterCount).map { Double($0) * 0.1 + 1.0 / 3.0 })
        }
        let images = [ColmapImage(id: 7, qvec: Quat(w: 0.5, x: 0.5, y: -0.5, z: 0.5), tvec: Vec3(1e-17, -2.5, 3),
                                  cameraID: 0, name: "a b.png", points2D: [ColmapObservation(x: 1.25, y: 2, point3DID: -1)]),
                      ColmapImage(id: 3, qvec: .identity, tvec: .zero, cameraID: 10, name: "0.jpg")]
        let points = [ColmapPoint(id: 5, xyz: Vec3(1, 2, 3), rgb: (1, 2, 255), error: -1,
                                  track: [ColmapTrackElement(imageID: 7, point2DIndex: 0)])]
        let model = ColmapModel(cameras: cameras, images: images, points: points)
        #expect(model.images.map(\.name) == ["0.jpg", "a b.png"])
        let dir = try TestData.temporaryDirectory("colmap-models")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ColmapWriter.writeText(model, to: dir)
        try ColmapWriter.writeBinary(model, to: dir)
        #expect(Bool(try ColmapReader.read(directory: dir, format: .text) == model))
        #expect(Bool(try ColmapReader.read(directory: dir, format: .binary) == model))
    }

    @Test func nanInTextModelNamesFileAndLine() throws {
        let dir = try copyToTemporary(try TestScenes.tiny().appendingPathComponent("sparse/0"))
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("points3D.txt")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        var f = lines[5].split(separator: " ").map(String.init)
        f[2] = "nan"
        lines[5] = f.joined(separator: " ")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let message = splatErrorMessage { _ = try ColmapReader.read(directory: dir, format: .text) }
        #expect(message == "\(url.path): line 6: Y is not a finite number: 'nan'")
    }

    @Test func nanInBinaryModelNamesFileAndRecord() throws {
        let dir = try copyToTemporary(try TestScenes.tiny().appendingPathComponent("sparse/0"))
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let url = dir.appendingPathComponent("images.bin")
        var bytes = [UInt8](try Data(contentsOf: url))
        withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { bytes.replaceSubrange(12..<20, with: $0) }  // image 0 qw
        try Data(bytes).write(to: url)
        let message = try #require(splatErrorMessage { _ = try ColmapReader.read(directory: dir) })
        #expect(message.hasPrefix("\(url.path): image record 0 (id 1)"))
        #expect(message.contains("qw is not finite"))
    }

    @Test func brokenFilesGiveOneLineErrors() throws {
        let dir = try TestData.temporaryDirectory("colmap-broken")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(splatErrorMessage { _ = try ColmapReader.read(directory: dir) }?.contains("not a complete COLMAP model") == true)
        try "1 PINHOLE 64 48 50 50 32\n".write(to: dir.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        #expect(splatErrorMessage { _ = try ColmapTextReader.readCameras(dir.appendingPathComponent("cameras.txt")) }
            == "\(dir.path)/cameras.txt: line 1: PINHOLE needs 4 parameters, found 3")
        try Data([3, 0, 0, 0, 0, 0, 0, 0, 1]).write(to: dir.appendingPathComponent("cameras.bin"))
        let m = splatErrorMessage { _ = try ColmapBinaryReader.readCameras(dir.appendingPathComponent("cameras.bin")) }
        #expect(m?.contains("camera count 3 does not fit") == true)
        try "1 1 0 0 0 0 0 0 2 a.png\n\n".write(to: dir.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try "".write(to: dir.appendingPathComponent("points3D.txt"), atomically: true, encoding: .utf8)
        try "1 PINHOLE 64 48 50 50 32 24\n".write(to: dir.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        #expect(splatErrorMessage { _ = try ColmapReader.read(directory: dir, format: .text) }
            == "\(dir.path)/images.txt: image 1 'a.png' uses camera 2, which cameras.txt does not define")
    }
}
