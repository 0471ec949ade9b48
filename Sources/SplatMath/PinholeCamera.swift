/// The internal camera convention (docs/DESIGN.md): COLMAP's. World→camera rotation and
/// translation, camera x right, y down, z forward; pinhole intrinsics in pixels with pixel
/// centres at integer + 0.5. Loaders convert every other convention at the edge.
public struct PinholeCamera: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var fx: Double, fy: Double, cx: Double, cy: Double
    /// World→camera: x_cam = rotation · x_world + translation.
    public var rotation: Mat3
    public var translation: Vec3

    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double,
                rotation: Mat3 = .identity, translation: Vec3 = .zero) {
        self.width = width; self.height = height
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.rotation = rotation; self.translation = translation
    }

    /// The camera centre in world coordinates, −Rᵀt.
    public var center: Vec3 { -(rotation.transposed * translation) }
    /// The viewing direction (camera +z) in world coordinates.
    public var forward: Vec3 { rotation.transposed * Vec3(0, 0, 1) }

    public func worldToCamera(_ p: Vec3) -> Vec3 { rotation * p + translation }

    /// Pixel coordinates (continuous, pixel centres at +0.5) and camera depth of a world point.
    public func project(_ p: Vec3) -> (u: Double, v: Double, depth: Double) {
        let c = worldToCamera(p)
        return (fx * c.x / c.z + cx, fy * c.y / c.z + cy, c.z)
    }

    /// Horizontal and vertical fields of view in radians.
    public var fovX: Double { 2 * atan2(Double(width) / 2, fx) }
    public var fovY: Double { 2 * atan2(Double(height) / 2, fy) }

    /// The same camera for an image downscaled by an integer factor (`-r 2/4/8`) as
    /// `RGBImage.downscaled` does it: output pixel x averages source pixels f·x ..< f·x + f and the
    /// leftover edge pixels are dropped, so the image is ⌊W/f⌋×⌊H/f⌋ and every image coordinate,
    /// and so each intrinsic, is divided by f exactly (not by the size ratio, which differs when W
    /// or H is not a multiple of f and would shift the image against the camera).
    public func downscaled(by factor: Int) -> PinholeCamera {
        precondition(factor >= 1)
        if factor == 1 { return self }
        let scale = 1 / Double(factor)
        var c = self
        c.width = width / factor; c.height = height / factor
        c.fx *= scale; c.fy *= scale; c.cx *= scale; c.cy *= scale
        return c
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
