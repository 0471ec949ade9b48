import Foundation
import SplatMath

/// A pinhole camera as the API sends and takes it: size and intrinsics in pixels, the
/// world→camera rotation (row-major 3×3) and translation (COLMAP's convention: x right, y down,
/// z forward).
struct CameraJSON: Codable, Sendable {
    var width: Int
    var height: Int
    var fx: Double, fy: Double, cx: Double, cy: Double
    var rotation: [Double]
    var translation: [Double]

    static let largestSide = 4096

    init(_ camera: PinholeCamera) {
        width = camera.width; height = camera.height
        fx = camera.fx; fy = camera.fy; cx = camera.cx; cy = camera.cy
        let r = camera.rotation
        rotation = [r.r0.x, r.r0.y, r.r0.z, r.r1.x, r.r1.y, r.r1.z, r.r2.x, r.r2.y, r.r2.z]
        translation = [camera.translation.x, camera.translation.y, camera.translation.z]
    }

    /// The camera, or a `ViewError` naming what is wrong with it.
    func pinhole() throws -> PinholeCamera {
        guard rotation.count == 9, translation.count == 3 else {
            throw ViewError.badRequest("camera needs 9 rotation and 3 translation values, got \(rotation.count) and \(translation.count)")
        }
        guard (1...Self.largestSide).contains(width), (1...Self.largestSide).contains(height) else {
            throw ViewError.badRequest("camera size \(width)x\(height) is outside 1...\(Self.largestSide)")
        }
        let numbers = [fx, fy, cx, cy] + rotation + translation
        guard numbers.allSatisfy(\.isFinite) else { throw ViewError.badRequest("camera has a value that is not a finite number") }
        guard fx > 0, fy > 0 else { throw ViewError.badRequest("camera focal lengths must be positive") }
        let r = rotation
        return PinholeCamera(width: width, height: height, fx: fx, fy: fy, cx: cx, cy: cy,
                             rotation: Mat3(rows: Vec3(r[0], r[1], r[2]), Vec3(r[3], r[4], r[5]), Vec3(r[6], r[7], r[8])),
                             translation: Vec3(translation[0], translation[1], translation[2]))
    }
}
