import Foundation
import SplatMath
import Testing
@testable import SplatEdit

/// Fuses ray-cast depth maps of analytic shapes and compares the mesh with the true surface.
@Suite struct TSDFFusionTests {
    /// A camera at `center` looking at the origin (x right, y down, z forward).
    static func lookAt(_ center: Vec3, size: Int = 80, focal: Double = 80) -> PinholeCamera {
        let z = (-center).normalized
        let up = abs(z.z) > 0.99 ? Vec3(0, 1, 0) : Vec3(0, 0, 1)
        let x = z.cross(up).normalized
        let y = z.cross(x)
        let r = Mat3(rows: x, y, z)
        return PinholeCamera(width: size, height: size, fx: focal, fy: focal, cx: Double(size) / 2, cy: Double(size) / 2,
                             rotation: r, translation: -(r * center))
    }

    /// 8 cameras at +30°, 4 at −35°, one above and one below, 3.5 units from the origin.
    static var cameras: [PinholeCamera] {
        var out = [PinholeCamera]()
        for (count, elevation) in [(8, 30.0), (4, -35.0)] {
            for k in 0..<count {
                let a = 2 * Double.pi * Double(k) / Double(count) + (elevation < 0 ? 0.4 : 0)
                let e = elevation * .pi / 180
                out.append(lookAt(Vec3(cos(a) * cos(e), sin(a) * cos(e), sin(e)) * 3.5))
            }
        }
        out.append(lookAt(Vec3(0.01, 0, 3.5)))
        out.append(lookAt(Vec3(0, 0.01, -3.5)))
        return out
    }

    /// Renders camera-z depth by intersecting each pixel-centre ray with `hit` (ray parameter with
    /// the direction's camera z = 1, so the parameter is the camera depth). Alpha 0.9 on the shape,
    /// so depth holds 0.9·z as the renderer's Σ w·z would.
    static func render(_ camera: PinholeCamera, hit: (Vec3, Vec3) -> Double?) throws -> DepthView {
        var depth = [Float](repeating: 0, count: camera.width * camera.height)
        var alpha = depth
        var mask = [Bool](repeating: false, count: depth.count)
        let rt = camera.rotation.transposed
        for v in 0..<camera.height {
            for u in 0..<camera.width {
                let d = rt * Vec3((Double(u) + 0.5 - camera.cx) / camera.fx, (Double(v) + 0.5 - camera.cy) / camera.fy, 1)
                if let t = hit(camera.center, d) {
                    depth[v * camera.width + u] = Float(0.9 * t)
                    alpha[v * camera.width + u] = 0.9
                    mask[v * camera.width + u] = true
                }
            }
        }
        return try DepthView(camera: camera, depth: depth, alpha: alpha, mask: mask)
    }

    static func sphereHit(radius: Double) -> (Vec3, Vec3) -> Double? {
        { o, d in
            let a = d.dot(d), b = o.dot(d), c = o.dot(o) - radius * radius
            let disc = b * b - a * c
            guard disc >= 0 else { return nil }
            let t = (-b - disc.squareRoot()) / a
            return t > 0 ? t : nil
        }
    }

    static func boxHit(half: Vec3) -> (Vec3, Vec3) -> Double? {
        { o, d in
            var tNear = -Double.infinity, tFar = Double.infinity
            for a in 0..<3 {
                if abs(d[a]) < 1e-12 {
                    if abs(o[a]) > half[a] { return nil }
                    continue
                }
                let t1 = (-half[a] - o[a]) / d[a], t2 = (half[a] - o[a]) / d[a]
                tNear = max(tNear, min(t1, t2)); tFar = min(tFar, max(t1, t2))
            }
            return tNear <= tFar && tNear > 0 ? tNear : nil
        }
    }

    static func fuse(bounds: Vec3, hit: (Vec3, Vec3) -> Double?) throws -> TriangleMesh {
        var volume = try TSDFVolume(boundsMin: -bounds, boundsMax: bounds)
        for camera in cameras { volume.integrate(try render(camera, hit: hit)) }
        return try volume.mesh()
    }

    @Test func fusedSphereMatchesTheSurface() throws {
        let mesh = try Self.fuse(bounds: Vec3(1.05, 1.05, 1.05), hit: Self.sphereHit(radius: 1))
        var rng = SplatRandom(seed: 2)
        var truth = [Float]()
        for _ in 0..<20000 {
            let p = Vec3(rng.normal(), rng.normal(), rng.normal()).normalized
            truth += [Float(p.x), Float(p.y), Float(p.z)]
        }
        let chamfer = ChamferDistance.symmetric(ChamferDistance.samplePoints(on: mesh, count: 20000, seed: 3), truth)
        print("sphere: \(mesh.vertexCount) vertices, \(mesh.triangleCount) triangles, Chamfer \(chamfer) (diameter 2), defects \(mesh.edgeDefects)")
        #expect(chamfer < 0.02 * 2)
        #expect(mesh.edgeDefects.boundary == 0)
        #expect(abs(mesh.signedVolume / (4 / 3 * Double.pi) - 1) < 0.05)
    }

    @Test func fusedBoxMatchesTheSurface() throws {
        let half = Vec3(0.8, 0.5, 0.6)
        let mesh = try Self.fuse(bounds: half, hit: Self.boxHit(half: half))
        var rng = SplatRandom(seed: 4)
        var truth = [Float]()
        let areas = [half.y * half.z, half.x * half.z, half.x * half.y]
        for _ in 0..<20000 {
            // A face with probability ∝ area, then a uniform point on it.
            let r = rng.uniform() * areas.reduce(0, +)
            let axis = r < areas[0] ? 0 : (r < areas[0] + areas[1] ? 1 : 2)
            var p = Vec3((rng.uniform() * 2 - 1) * half.x, (rng.uniform() * 2 - 1) * half.y, (rng.uniform() * 2 - 1) * half.z)
            p[axis] = rng.uniform() < 0.5 ? -half[axis] : half[axis]
            truth += [Float(p.x), Float(p.y), Float(p.z)]
        }
        let chamfer = ChamferDistance.symmetric(ChamferDistance.samplePoints(on: mesh, count: 20000, seed: 5), truth)
        let size = 2 * half.x
        print("box: \(mesh.vertexCount) vertices, \(mesh.triangleCount) triangles, Chamfer \(chamfer) (size \(size)), defects \(mesh.edgeDefects)")
        #expect(chamfer < 0.02 * size)
        #expect(mesh.edgeDefects.boundary == 0)
        #expect(abs(mesh.signedVolume / (8 * half.x * half.y * half.z) - 1) < 0.05)
    }

    @Test func rejectsBadInput() throws {
        let camera = Self.lookAt(Vec3(0, 0, 3))
        #expect(throws: SplatError.self) { try DepthView(camera: camera, depth: [1, 2, 3]) }
        #expect(throws: SplatError.self) { try TSDFVolume(boundsMin: Vec3(0, 0, 0), boundsMax: Vec3(0, 0, 0)) }
        #expect(throws: SplatError.self) { try TSDFVolume(boundsMin: Vec3(0, 0, 0), boundsMax: Vec3(1, 1, 1), voxelSize: 1e-5) }
    }
}
