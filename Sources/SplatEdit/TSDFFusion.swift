import Dispatch
import SplatMath

/// One view's depth for fusion: what the renderer gives (expected camera-z depth Σ w·z and the
/// accumulated alpha), plus a binary mask of the object.
public struct DepthView: Sendable {
    public var camera: PinholeCamera
    /// Row-major H·W. With `alpha`, the unnormalised Σ w·z (depth = depth/alpha); without, a
    /// camera-z depth where > 0.
    public var depth: [Float]
    /// Row-major H·W accumulated alpha, or nil. A pixel has a surface when alpha > 0.5.
    public var alpha: [Float]?
    /// Row-major H·W: true on the object. nil: every surface pixel is the object.
    public var mask: [Bool]?

    public init(camera: PinholeCamera, depth: [Float], alpha: [Float]? = nil, mask: [Bool]? = nil) throws {
        let n = camera.width * camera.height
        guard depth.count == n else { throw SplatError("depth map has \(depth.count) pixels, the camera \(camera.width)x\(camera.height)") }
        if let alpha, alpha.count != n { throw SplatError("alpha map has \(alpha.count) pixels, the camera \(camera.width)x\(camera.height)") }
        if let mask, mask.count != n { throw SplatError("object mask has \(mask.count) pixels, the camera \(camera.width)x\(camera.height)") }
        self.camera = camera; self.depth = depth; self.alpha = alpha; self.mask = mask
    }
}

/// Truncated signed distance fusion (Curless–Levoy) of masked depth maps into a voxel grid, then
/// marching cubes.
///
/// For every grid sample x and view, with z its camera depth and D the depth at the pixel it falls
/// in (nearest pixel):
/// - no surface at the pixel (alpha ≤ 0.5): the ray is empty, x is outside: +1;
/// - object pixel: sdf = D − z; min(1, sdf / truncation) when sdf ≥ −truncation; otherwise x is
///   hidden behind the surface and not averaged, but when −2·truncation ≤ sdf it is marked "just
///   behind the object";
/// - another surface: x in front of it by more than the truncation is empty (+1); otherwise unknown.
/// Values are averaged with weight 1 per observation. A sample with no observation but a "just
/// behind" mark counts as inside (−1): D − z is measured along the ray, so it overstates the
/// distance on oblique views, and with few views a sample a little inside the surface may be
/// further than the truncation behind it in every view; without the mark such samples would punch
/// holes in the mesh. Samples never observed produce no surface.
public struct TSDFVolume: Sendable {
    public private(set) var grid: ScalarGrid
    public private(set) var weights: [Float]
    /// 1 where some view saw the sample between one and two truncations behind the object surface.
    public private(set) var behind: [UInt8]
    public let truncation: Double

    /// Voxels along the longest side of the object's box by default.
    public static let defaultVoxelsPerSide = 128.0

    /// A grid over [`boundsMin`, `boundsMax`] padded by the truncation plus one voxel on every side.
    /// `voxelSize` defaults to the longest side / 128 (sub-percent detail, ~2–8 M samples);
    /// `truncationVoxels` (default 4) sets the truncation distance in voxels.
    public init(boundsMin: Vec3, boundsMax: Vec3, voxelSize: Double? = nil, truncationVoxels: Double = 4) throws {
        let extent = boundsMax - boundsMin
        let longest = max(extent.x, extent.y, extent.z)
        guard extent.isFinite, longest > 0, min(extent.x, extent.y, extent.z) >= 0 else {
            throw SplatError("mesh bounds \(boundsMin) – \(boundsMax) are empty or not finite")
        }
        let size = voxelSize ?? longest / Self.defaultVoxelsPerSide
        guard size > 0, size.isFinite, truncationVoxels >= 1 else {
            throw SplatError("voxel size \(size) and truncation \(truncationVoxels) voxels must be positive")
        }
        let pad = (truncationVoxels + 1) * size
        let origin = boundsMin - Vec3(pad, pad, pad)
        func count(_ e: Double) -> Int { Int(((e + 2 * pad) / size).rounded(.up)) + 1 }
        let nx = count(extent.x), ny = count(extent.y), nz = count(extent.z)
        guard nx * ny * nz <= 100_000_000 else {
            throw SplatError("a \(nx)x\(ny)x\(nz) voxel grid is too large; use a larger voxel size")
        }
        grid = ScalarGrid(origin: origin, voxelSize: size, nx: nx, ny: ny, nz: nz,
                          values: [Float](repeating: 1, count: nx * ny * nz))
        weights = [Float](repeating: 0, count: nx * ny * nz)
        behind = [UInt8](repeating: 0, count: nx * ny * nz)
        truncation = truncationVoxels * size
    }

    /// Fuses one view (parallel over z-slices; the result does not depend on the thread count).
    public mutating func integrate(_ view: DepthView) {
        let cam = view.camera
        let r = cam.rotation, t = cam.translation
        let w = cam.width, h = cam.height
        let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
        let origin = grid.origin, size = grid.voxelSize, trunc = truncation
        let depth = view.depth, alpha = view.alpha, mask = view.mask
        grid.values.withUnsafeMutableBufferPointer { values in
            weights.withUnsafeMutableBufferPointer { weights in
              behind.withUnsafeMutableBufferPointer { behind in
                let v = SendablePointer(values.baseAddress!), wt = SendablePointer(weights.baseAddress!)
                let hidden = SendablePointer(behind.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: nz) { k in
                    for j in 0..<ny {
                        for i in 0..<nx {
                            let p = origin + Vec3(Double(i), Double(j), Double(k)) * size
                            let c = r * p + t
                            guard c.z > 1e-9 else { continue }
                            let u = cam.fx * c.x / c.z + cam.cx, vv = cam.fy * c.y / c.z + cam.cy
                            guard u >= 0, vv >= 0, u < Double(w), vv < Double(h) else { continue }
                            let pixel = Int(vv) * w + Int(u)
                            let a = alpha?[pixel] ?? 1
                            var observation: Double
                            if alpha != nil ? a <= 0.5 : depth[pixel] <= 0 {
                                observation = 1
                            } else {
                                let d = Double(depth[pixel] / a)
                                let sdf = d - c.z
                                if mask?[pixel] ?? true {
                                    guard sdf >= -trunc else {
                                        if sdf >= -2 * trunc { hidden.base[(k * ny + j) * nx + i] = 1 }
                                        continue
                                    }
                                    observation = min(1, sdf / trunc)
                                } else {
                                    guard sdf > trunc else { continue }
                                    observation = 1
                                }
                            }
                            let index = (k * ny + j) * nx + i
                            let weight = wt.base[index]
                            v.base[index] = (v.base[index] * weight + Float(observation)) / (weight + 1)
                            wt.base[index] = weight + 1
                        }
                    }
                }
              }
            }
        }
    }

    /// The fused surface (marching cubes at 0 over the observed samples), in world coordinates.
    public func mesh() throws -> TriangleMesh {
        var g = grid
        var valid = [Bool](repeating: false, count: weights.count)
        for i in 0..<weights.count {
            if weights[i] > 0 {
                valid[i] = true
            } else if behind[i] != 0 {
                valid[i] = true
                g.values[i] = -1
            }
        }
        g.valid = valid
        return try MarchingCubes.extract(g, isoLevel: 0)
    }
}
