import Foundation
import Testing
import SplatIO
import SplatMath
import SplatTestSupport
@testable import SplatRaster

@Suite struct OrbitCameraTests {
    @Test func orbitCamerasLookAtTheCentreFromEqualDistances() {
        let c = Vec3(0.5, -1, 2)
        let cams = OrbitCameras.orbit(center: c, radius: 2, up: Vec3(0, 0, 1), count: 6, elevation: 0.3,
                                      width: 64, height: 48, fovY: 0.8)
        #expect(cams.count == 6)
        for cam in cams {
            let p = cam.project(c)
            #expect(abs(p.u - 32) < 1e-9 && abs(p.v - 24) < 1e-9 && p.depth > 0)
            #expect(abs((cam.center - c).length - (cams[0].center - c).length) < 1e-9)
            #expect(abs(cam.rotation.determinant - 1) < 1e-9)
            // World up appears up in the image (smaller v).
            #expect(cam.project(c + Vec3(0, 0, 0.1)).v < 24)
        }
    }

    @Test func robustBoundsIgnoreOutliers() {
        var g = GaussianParams(count: 101)
        for i in 0..<100 { g.means[3 * i] = Float(i % 10) * 0.1; g.means[3 * i + 1] = Float(i / 10) * 0.1 }
        g.means[300] = 1e6
        let b = OrbitCameras.robustBounds(g)
        #expect(abs(b.center.x - 0.5) < 0.11 && abs(b.center.y - 0.5) < 0.11)
        #expect(b.radius < 1)
        let axis = OrbitCameras.leastSpreadAxis(g, center: b.center, radius: 2 * b.radius)
        #expect(abs(abs(axis.z) - 1) < 1e-6)
    }

    /// The donut sample seen from its orbit: the model fills the middle of the frame and the
    /// corners stay background.
    @Test(.enabled(if: TestData.url("3dgs-ply-samples/GSHairLoD/_3dgs-assets/donut/donut/point_cloud/iteration_30000/fused.ply") != nil))
    func donutRendersInTheMiddleOfTheFrame() throws {
        let url = try #require(TestData.url("3dgs-ply-samples/GSHairLoD/_3dgs-assets/donut/donut/point_cloud/iteration_30000/fused.ply"))
        let model = try PLYFile.readGaussians(url).gaussians
        let b = OrbitCameras.robustBounds(model)
        let axis = OrbitCameras.leastSpreadAxis(model, center: b.center, radius: b.radius)
        let cams = OrbitCameras.orbit(center: b.center, radius: b.radius, up: axis, count: 2, elevation: 0.4,
                                      width: 96, height: 72, fovY: 0.8)
        let r = CPURasterizer()
        for cam in cams {
            let out = r.render(model, camera: cam, options: RenderOptions())
            let covered = out.alpha.filter { $0 > 0.5 }.count
            #expect(covered > 96 * 72 / 10, "only \(covered) opaque pixels")
            for corner in [0, 95, 96 * 71, 96 * 72 - 1] { #expect(out.alpha[corner] < 0.05) }
        }
    }
}
