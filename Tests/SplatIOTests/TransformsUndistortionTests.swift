import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatIO

@Suite struct TransformsUndistortionTests {
    static let fox = CameraDistortion(k1: 0.0578421, k2: -0.0805099, p1: -0.000980296, p2: 0.00015575)
    static let strong = CameraDistortion(k1: -0.3, k2: 0.1, k3: -0.01, k4: 0.05, p1: 0.002, p2: -0.001)

    @Test(arguments: [fox, strong])
    func undistortInvertsDistort(d: CameraDistortion) {
        // The fox image spans |x| ≤ 0.41, |y| ≤ 0.71 in normalized coordinates.
        var worst = 0.0
        for i in -20...20 {
            for j in -20...20 {
                let x = Double(i) * 0.0205, y = Double(j) * 0.0355
                let (ux, uy) = d.undistort(x, y)
                let (dx, dy) = d.distort(ux, uy)
                worst = max(worst, abs(dx - x), abs(dy - y))
                let (bx, by) = d.undistort(d.distort(x, y).x, d.distort(x, y).y)
                worst = max(worst, abs(bx - x), abs(by - y))
            }
        }
        #expect(worst < 1e-10, "worst \(worst)")
    }

    @Test func distortMatchesTheOpenCVFormula() {
        let d = Self.strong
        let (x, y) = (0.3, -0.2), r2 = 0.13
        let radial = (1 - 0.3 * r2 + 0.1 * r2 * r2 - 0.01 * r2 * r2 * r2) / (1 + 0.05 * r2)
        let ex = x * radial + 2 * 0.002 * x * y + -0.001 * (r2 + 2 * x * x)
        let ey = y * radial + 0.002 * (r2 + 2 * y * y) + 2 * -0.001 * x * y
        let (dx, dy) = d.distort(x, y)
        #expect(abs(dx - ex) < 1e-15 && abs(dy - ey) < 1e-15)
    }

    @Test func colmapModelsMapToDistortions() throws {
        func cam(_ m: ColmapCameraModel, _ p: [Double]) -> ColmapCamera { ColmapCamera(id: 1, model: m, width: 10, height: 8, params: p) }
        #expect(try CameraDistortion(colmap: cam(.pinhole, [1, 2, 3, 4])) == nil)
        #expect(try CameraDistortion(colmap: cam(.simpleRadial, [1, 2, 3, 0])) == nil)
        #expect(try CameraDistortion(colmap: cam(.simpleRadial, [1, 2, 3, 0.1])) == CameraDistortion(k1: 0.1))
        #expect(try CameraDistortion(colmap: cam(.radial, [1, 2, 3, 0.1, 0.2])) == CameraDistortion(k1: 0.1, k2: 0.2))
        #expect(try CameraDistortion(colmap: cam(.opencv, [1, 2, 3, 4, 0.1, 0.2, 0.3, 0.4]))
            == CameraDistortion(k1: 0.1, k2: 0.2, p1: 0.3, p2: 0.4))
        #expect(try CameraDistortion(colmap: cam(.fullOpencv, [1, 2, 3, 4, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]))
            == CameraDistortion(k1: 0.1, k2: 0.2, k3: 0.5, k4: 0.6, k5: 0.7, k6: 0.8, p1: 0.3, p2: 0.4))
        let message = splatErrorMessage { _ = try CameraDistortion(colmap: cam(.opencvFisheye, [1, 2, 3, 4, 0.1, 0, 0, 0])) }
        #expect(message?.contains("OPENCV_FISHEYE model, which SplatLift cannot undistort") == true)
    }

    @Test func mapSamplesWhereTheLensSees() {
        let (w, h) = (40, 30)
        let (fx, fy, cx, cy) = (35.0, 33.0, 19.5, 15.25)
        let map = UndistortionMap(width: w, height: h, fx: fx, fy: fy, cx: cx, cy: cy, distortion: Self.strong)
        // A source ramp f(x, y) = x + 100·y: bilinear sampling reproduces it exactly inside the frame.
        var ramp = [Float](repeating: 0, count: w * h)
        for j in 0..<h { for i in 0..<w { ramp[j * w + i] = Float(i) + 100 * Float(j) } }
        let out = map.resampleBilinear(ramp + ramp + ramp, channels: 3)
        var checked = 0
        for j in 0..<h {
            for i in 0..<w {
                let (xd, yd) = Self.strong.distort((Double(i) + 0.5 - cx) / fx, (Double(j) + 0.5 - cy) / fy)
                let sx = fx * xd + cx - 0.5, sy = fy * yd + cy - 0.5
                guard sx >= 0, sy >= 0, sx <= Double(w - 1), sy <= Double(h - 1) else { continue }
                let expected = Float(sx + 100 * sy)
                #expect(abs(out[j * w + i] - expected) < 2e-3 && abs(out[2 * w * h + j * w + i] - expected) < 2e-3)
                // Nearest sampling of pixel ids picks the pixel containing the source point.
                checked += 1
            }
        }
        #expect(checked > w * h / 2)
        let ids = map.resampleNearest((0..<Int32(w * h)).map { $0 })
        for p in [0, w * h / 2 + 7, w * h - 1] {
            let i = min(Int(map.sourceX[p] + 0.5), w - 1), j = min(Int(map.sourceY[p] + 0.5), h - 1)
            #expect(ids[p] == Int32(j * w + i))
        }
        // An undistorted pixel centre, undistorted back from its source point, is that pixel centre.
        let p = 17 * w + 23
        let (ux, uy) = Self.strong.undistort((Double(map.sourceX[p]) + 0.5 - cx) / fx, (Double(map.sourceY[p]) + 0.5 - cy) / fy)
        #expect(abs(fx * ux + cx - 23.5) < 1e-3 && abs(fy * uy + cy - 17.5) < 1e-3)
    }

    @Test func openGLCameraToWorldBecomesWorldToCamera() {
        // A camera at (0, 0, 5) looking down −z (OpenGL), i.e. towards the origin.
        let m: [[Double]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 5], [0, 0, 0, 1]]
        let (r, t) = TransformsReader.worldToCamera(openGLCameraToWorld: m)
        let cam = PinholeCamera(width: 10, height: 10, fx: 10, fy: 10, cx: 5, cy: 5, rotation: r, translation: t)
        #expect(cam.center == Vec3(0, 0, 5) && cam.forward == Vec3(0, 0, -1))
        // World +y is up in the OpenGL frame, so it appears above the centre (smaller v).
        let (u, v, d) = cam.project(Vec3(0, 1, 0))
        #expect(u == 5 && v < 5 && d == 5)
    }
}
