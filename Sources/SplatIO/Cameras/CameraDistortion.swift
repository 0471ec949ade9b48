import SplatMath

/// OpenCV's radial–tangential lens distortion on normalized image coordinates (x = X/Z, y = Y/Z),
/// which covers COLMAP's SIMPLE_RADIAL, RADIAL, OPENCV and FULL_OPENCV models and nerfstudio's
/// OPENCV camera:
///
///     r² = x² + y²,  radial = (1 + k1 r² + k2 r⁴ + k3 r⁶) / (1 + k4 r² + k5 r⁴ + k6 r⁶)
///     x_d = x·radial + 2 p1 x y + p2 (r² + 2x²)
///     y_d = y·radial + p1 (r² + 2y²) + 2 p2 x y
///
/// Fisheye and FOV models are refused with a message (`init(colmap:)` throws) rather than ignored.
public struct CameraDistortion: Equatable, Sendable {
    public var k1 = 0.0, k2 = 0.0, k3 = 0.0, k4 = 0.0, k5 = 0.0, k6 = 0.0
    public var p1 = 0.0, p2 = 0.0

    public init(k1: Double = 0, k2: Double = 0, k3: Double = 0, k4: Double = 0, k5: Double = 0, k6: Double = 0,
                p1: Double = 0, p2: Double = 0) {
        self.k1 = k1; self.k2 = k2; self.k3 = k3; self.k4 = k4; self.k5 = k5; self.k6 = k6
        self.p1 = p1; self.p2 = p2
    }

    /// The distortion of a COLMAP camera: nil for SIMPLE_PINHOLE and PINHOLE (and for polynomial
    /// models whose coefficients are all zero); throws for models SplatLift cannot undistort.
    public init?(colmap camera: ColmapCamera) throws {
        let p = camera.params
        switch camera.model {
        case .simplePinhole, .pinhole: return nil
        case .simpleRadial: self.init(k1: p[3])
        case .radial: self.init(k1: p[3], k2: p[4])
        case .opencv: self.init(k1: p[4], k2: p[5], p1: p[6], p2: p[7])
        case .fullOpencv: self.init(k1: p[4], k2: p[5], k3: p[8], k4: p[9], k5: p[10], k6: p[11], p1: p[6], p2: p[7])
        case .opencvFisheye, .fov, .simpleRadialFisheye, .radialFisheye, .thinPrismFisheye:
            throw SplatError("camera \(camera.id) uses the \(camera.model.name) model, which SplatLift cannot undistort; "
                             + "undistort the images first (colmap image_undistorter) or use a PINHOLE/OPENCV model")
        }
        if isIdentity { return nil }
    }

    /// True when every coefficient is zero (the camera is a plain pinhole).
    public var isIdentity: Bool { self == CameraDistortion() }

    /// Distorts normalized coordinates (the forward lens model above).
    @inlinable public func distort(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        let r2 = x * x + y * y
        let radial = (1 + r2 * (k1 + r2 * (k2 + r2 * k3))) / (1 + r2 * (k4 + r2 * (k5 + r2 * k6)))
        return (x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x),
                y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y)
    }

    /// Inverts `distort` by Newton's method with a finite-difference Jacobian (as COLMAP's
    /// `IterativeUndistortion`), starting from the distorted point; accurate to ~1e-12 wherever the
    /// lens model is invertible.
    public func undistort(_ xd: Double, _ yd: Double) -> (x: Double, y: Double) {
        var x = xd, y = yd
        let h = 1e-7
        for _ in 0..<100 {
            let (fx, fy) = distort(x, y)
            let ex = xd - fx, ey = yd - fy
            let (ax, ay) = distort(x + h, y), (bx, by) = distort(x - h, y)
            let (cx, cy) = distort(x, y + h), (dx, dy) = distort(x, y - h)
            let j00 = (ax - bx) / (2 * h), j10 = (ay - by) / (2 * h)
            let j01 = (cx - dx) / (2 * h), j11 = (cy - dy) / (2 * h)
            let det = j00 * j11 - j01 * j10
            guard det.isFinite && abs(det) > 1e-300 else { break }
            let sx = (j11 * ex - j01 * ey) / det, sy = (-j10 * ex + j00 * ey) / det
            x += sx; y += sy
            if sx * sx + sy * sy < 1e-28 { break }
        }
        return (x, y)
    }
}
