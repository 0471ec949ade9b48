import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// The shared data set's images: values checked against a separate numpy/zlib decode.
@Suite(.enabled(if: TestData.available, "needs ../shared/data"))
struct ImageRealDataTests {
    @Test func syntheticRGBMatchesNumpyDecode() throws {
        let url = try #require(TestData.url("synthetic/tiny-1/images/frame_00000.png"))
        let image = try ImageIO.readImage(url)
        #expect(image.width == 64 && image.height == 48 && image.alpha == nil)
        let n = 64 * 48
        func rgb(_ x: Int, _ y: Int) -> [Float] { (0..<3).map { image.pixels[$0 * n + y * 64 + x] * 255 } }
        // numpy: px(0,0) = [108, 88, 101], px(10,20) = [136, 117, 120], px(63,47) = [94, 66, 73]; sum 1117087.
        #expect(rgb(0, 0) == [108, 88, 101])
        #expect(rgb(10, 20) == [136, 117, 120])
        #expect(rgb(63, 47) == [94, 66, 73])
        #expect(image.pixels.reduce(0) { $0 + Int(($1 * 255).rounded()) } == 1_117_087)
    }

    @Test func sixteenBitLabelMapsMatchNumpyDecode() throws {
        let gt = try ImageIO.readLabelMap(try #require(TestData.url("synthetic/tiny-1/gt_instance/frame_00000.png")))
        #expect(gt.width == 64 && gt.height == 48)
        #expect(gt.labels.reduce(0) { $0 + Int($1) } == 6484)
        #expect(Set(gt.labels) == [1, 4, 5, 6, 7, 8])
        #expect([gt.labels[0], gt.labels[20 * 64 + 10], gt.labels[47 * 64 + 63]] == [4, 1, 1])
        let sam = try ImageIO.readLabelMap(try #require(TestData.url("synthetic/tiny-1/sam_masks/frame_00003.png")))
        #expect(sam.labels.reduce(0) { $0 + Int($1) } == 9507)
        #expect(Set(sam.labels) == Set(0...7))
        #expect([sam.labels[0], sam.labels[20 * 64 + 10], sam.labels[47 * 64 + 63]] == [3, 1, 5])
    }

    @Test func groundTruthIdsAreTheInstancesInTheJSON() throws {
        let folder = try #require(TestData.url("synthetic/tiny-1/gt_instance"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("instances.json")))
        let declared = Set(try #require(json as? [String: Any]).keys.compactMap { Int32($0) })
        var seen = Set<Int32>()
        for view in 0..<12 {
            let map = try ImageIO.readLabelMap(folder.appendingPathComponent(String(format: "frame_%05d.png", view)))
            seen.formUnion(map.labels)
        }
        #expect(seen == declared)
    }

    @Test func jpegPhotos() throws {
        let fox = try #require(TestData.url("instant-ngp-fox/images/0001.jpg"))
        let image = try ImageIO.readImage(fox)
        let size = try ImageIO.imageSize(fox)
        #expect(image.width == size.width && image.height == size.height && image.alpha == nil)
        #expect(image.pixels.count == 3 * image.width * image.height)
        #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(image.pixels.prefix(10_000)).count > 50)
    }

    @Test func jpegSizeBehindLargeMetadata() throws {
        let fox = try Data(contentsOf: try #require(TestData.url("instant-ngp-fox/images/0001.jpg")))
        // Two 40 kB APP1 segments after SOI push the frame header past the 64 kB first read.
        let segment = Data([0xFF, 0xE1, 0x9C, 0x42]) + Data(repeating: 0x20, count: 0x9C42 - 2)
        let padded = fox.prefix(2) + segment + segment + fox.dropFirst(2)
        let url = try TestData.temporaryDirectory("jpeg").appendingPathComponent("padded.jpg")
        try padded.write(to: url)
        let size = try ImageIO.imageSize(url)
        let image = try ImageIO.readImage(url)
        #expect(size.width == image.width && size.height == image.height)
        #expect(try ImageIO.readImage(try #require(TestData.url("instant-ngp-fox/images/0001.jpg"))) == image)
    }

    @Test func cakeImagesDecodeAtTheirHeaderSize() throws {
        let folder = try #require(TestData.url("vggsfm-cake"))
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { ["jpg", "jpeg", "png"].contains($0.pathExtension.lowercased()) } ?? []
        #expect(!files.isEmpty)
        for file in files.prefix(3) {
            let image = try ImageIO.readImage(file)
            let size = try ImageIO.imageSize(file)
            #expect(image.width == size.width && image.height == size.height)
        }
    }

    @Test func blenderRGBAHasAlpha() throws {
        let folder = try #require(TestData.url("nerf-synthetic-chair/train"))
        let file = try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "png" }.sorted { $0.path < $1.path }.first)
        let image = try ImageIO.readImage(file)
        #expect(image.width == 800 && image.height == 800)
        let alpha = try #require(image.alpha)
        #expect(alpha.contains(0) && alpha.contains(1))
        let white = image.composited(over: SIMD3(1, 1, 1))
        #expect(white.pixels[0] == 1)  // the corner is transparent background
        #expect(try ImageIO.imageSize(file) == (800, 800))
    }
}
