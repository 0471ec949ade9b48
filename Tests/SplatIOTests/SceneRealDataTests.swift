import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatIO

@Suite struct SceneRealDataTests {
    @Test(.enabled(if: TestData.available))
    func vggsfmCakePointsAreColouredFromTheImages() throws {
        let base = try #require(TestData.url("vggsfm-cake"))
        let scene = try SceneLoader.load(base, options: SceneLoadOptions(
            images: base.appendingPathComponent("examples/cake/images"), sparse: base.appendingPathComponent("output/cake")))
        #expect(scene.views.count == 8 && scene.pointCount == 4535)
        #expect(scene.format == .colmapBinary && scene.splitSource == "every 8th" && scene.testIndices == [0])
        #expect(scene.masksFolder == nil && scene.views.allSatisfy { $0.maskURL == nil })
        let colors = try #require(scene.pointColors)
        #expect(scene.pointColorsFromImages)
        #expect(colors.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Every point has a track and lands in its first track image, so none stays grey.
        let grey = (0..<scene.pointCount).filter { p in (0..<3).allSatisfy { colors[3 * p + $0] == 0.5 } }.count
        #expect(grey == 0)
        // A point takes the colour of its own pixel in the first view of its track.
        let images = try scene.views.indices.map { try scene.loadImage($0) }
        let model = try ColmapReader.read(directory: base.appendingPathComponent("output/cake"))
        let viewOfImage = Dictionary(uniqueKeysWithValues: model.images.enumerated().map { ($1.id, $0) })
        var checked = 0
        for (p, point) in model.points.enumerated() {
            let v = try #require(point.track.first.flatMap { viewOfImage[$0.imageID] })
            let (u, w, d) = scene.views[v].camera.project(point.xyz)
            let image = images[v]
            guard d > 0, u >= 0, w >= 0, u < Double(image.width), w < Double(image.height) else { continue }
            let pix = Int(w) * image.width + Int(u), n = image.width * image.height
            if colors[3 * p] == image.pixels[pix] && colors[3 * p + 1] == image.pixels[n + pix]
                && colors[3 * p + 2] == image.pixels[2 * n + pix] { checked += 1 }
        }
        #expect(checked == scene.pointCount)
    }

    @Test(.enabled(if: TestData.available))
    func instantNGPFoxIsUndistortedToAPinholeCamera() throws {
        let scene = try SceneLoader.load(try #require(TestData.url("instant-ngp-fox")))
        #expect(scene.format == .transforms && scene.views.count == 67 && scene.points.isEmpty)
        #expect(scene.views.first?.name == "images/0001.jpg")
        let d = try #require(scene.views[0].distortion)
        #expect(d == CameraDistortion(k1: 0.0578421, k2: -0.0805099, p1: -0.000980296, p2: 0.00015575))
        let cam = scene.camera(0)
        #expect(cam.width == 1080 && cam.height == 1920 && cam.fx == 1375.52 && cam.fy == 1374.49 && cam.cx == 554.558)
        #expect(scene.views[0].undistortion?.width == 1080)
        let image = try scene.loadImage(5, downscale: 4)
        #expect(image.width == scene.camera(5, downscale: 4).width && image.height == scene.camera(5, downscale: 4).height)
        #expect(image.width == 270 && image.height == 480)
        // The undistorted image differs from the raw one (the map does something) but not wildly.
        let raw = try ImageIO.readImage(scene.views[5].imageURL).downscaled(by: 4)
        let diff = zip(raw.pixels, image.pixels).map { abs($0 - $1) }.reduce(0, +) / Float(raw.pixels.count)
        #expect(diff > 0.002 && diff < 0.1, "mean difference \(diff)")
        #expect(scene.splitSource == "every 8th" && scene.testIndices.count == 9)
    }

    @Test(.enabled(if: TestData.available))
    func nerfSyntheticChairKeepsAlphaAndCompositesOnTheBackground() throws {
        let root = try #require(TestData.url("nerf-synthetic-chair"))
        let scene = try SceneLoader.load(root, options: SceneLoadOptions(background: SIMD3(1, 1, 1)))
        #expect(scene.format == .blender && scene.views.count == 200)
        #expect(scene.trainIndices.count == 100 && scene.testIndices.count == 100)
        #expect(scene.splitSource.contains("transforms_val.json"))
        #expect(scene.trainIndices.allSatisfy { scene.views[$0].name.hasPrefix("train/r_") && scene.views[$0].name.hasSuffix(".png") })
        #expect(scene.testIndices.allSatisfy { scene.views[$0].name.hasPrefix("val/") })
        // train/r_0.png and val/r_0.png share a stem: `render` writes them as train/r_0 and val/r_0.
        let outputs = scene.outputNames
        #expect(Set(outputs).count == 200 && outputs.contains("train/r_0") && outputs.contains("val/r_0"))
        let cam = scene.camera(0)
        #expect(cam.width == 800 && cam.height == 800 && abs(cam.fx - 400 / tan(0.6911112070083618 / 2)) < 1e-9 && cam.cx == 400)
        let image = try scene.loadImage(scene.trainIndices[0], downscale: 8)
        let alpha = try #require(image.alpha)
        #expect(image.width == 100 && alpha.count == 100 * 100)
        // Where the chair is absent the composite is the white background; where it is opaque, not.
        let n = 100 * 100
        let clear = (0..<n).filter { alpha[$0] == 0 }, solid = (0..<n).filter { alpha[$0] == 1 }
        #expect(clear.count > n / 2 && solid.count > 100)
        #expect(clear.allSatisfy { image.pixels[$0] == 1 && image.pixels[n + $0] == 1 && image.pixels[2 * n + $0] == 1 })
        #expect(solid.contains { image.pixels[$0] < 0.9 })
        // The camera looks at the chair: the origin projects near the image centre.
        let (u, v, d) = cam.project(.zero)
        #expect(d > 0 && abs(u - 400) < 80 && abs(v - 400) < 80)
    }
}
