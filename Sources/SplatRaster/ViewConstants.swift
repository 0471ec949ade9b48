import SplatMath

/// Tile size of the rasterizer (3DGS BLOCK_X × BLOCK_Y).
let tileSize = 16

/// A camera reduced to the Float constants the kernels need.
struct ViewConstants: Sendable {
    var r00: Float, r01: Float, r02: Float
    var r10: Float, r11: Float, r12: Float
    var r20: Float, r21: Float, r22: Float
    var t0: Float, t1: Float, t2: Float
    var fx: Float, fy: Float, cx: Float, cy: Float
    /// 1.3·tan(fov/2) per axis: the clamp of x/z and y/z in the EWA Jacobian (3DGS computeCov2D).
    var limX: Float, limY: Float
    var camX: Float, camY: Float, camZ: Float
    var width: Int, height: Int
    var tilesX: Int, tilesY: Int

    init(_ c: PinholeCamera) {
        let r = c.rotation
        r00 = Float(r[0, 0]); r01 = Float(r[0, 1]); r02 = Float(r[0, 2])
        r10 = Float(r[1, 0]); r11 = Float(r[1, 1]); r12 = Float(r[1, 2])
        r20 = Float(r[2, 0]); r21 = Float(r[2, 1]); r22 = Float(r[2, 2])
        t0 = Float(c.translation.x); t1 = Float(c.translation.y); t2 = Float(c.translation.z)
        fx = Float(c.fx); fy = Float(c.fy); cx = Float(c.cx); cy = Float(c.cy)
        limX = Float(1.3 * Double(c.width) / (2 * c.fx))
        limY = Float(1.3 * Double(c.height) / (2 * c.fy))
        let center = c.center
        camX = Float(center.x); camY = Float(center.y); camZ = Float(center.z)
        width = c.width; height = c.height
        tilesX = (c.width + tileSize - 1) / tileSize
        tilesY = (c.height + tileSize - 1) / tileSize
    }
}

/// The near plane: Gaussians with view-space z ≤ 0.2 are culled (3DGS in_frustum).
let nearPlane: Float = 0.2
/// Low-pass added to the 2D covariance diagonal, in px² (3DGS computeCov2D).
let lowPass: Float = 0.3
