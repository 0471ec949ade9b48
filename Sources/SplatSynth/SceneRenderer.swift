#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import SplatMath

/// One rendered view, all arrays row-major H×W.
public struct ViewRender: Sendable {
    public var width: Int
    public var height: Int
    /// 8-bit sRGB, interleaved RGB (3·H·W), the supersampled average.
    public var rgb8: [UInt8]
    /// Global instance id of the pixel-centre sample (never 0: every ray hits something).
    public var instance: [Int32]
    /// Global part id of the pixel-centre sample (composites have several parts).
    public var part: [Int32]
    /// World position of the pixel-centre hit, interleaved xyz (3·H·W).
    public var position: [Double]
    /// Camera z-depth of the pixel-centre hit, metres.
    public var depth: [Float]
}

struct SendableBuffer<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T> }

/// Analytic ray tracer with supersampled, Lambertian, view-independent shading and hard key-light shadows.
public struct SceneRenderer: Sendable {
    public let scene: SynthScene
    let occluders: [Primitive]

    public init(scene: SynthScene) {
        self.scene = scene
        self.occluders = scene.primitives.filter(\.occluder)
    }

    /// Nearest hit of a unit ray: primitive index, distance and world normal facing the ray.
    @inline(__always)
    func trace(_ o: Vec3, _ d: Vec3) -> (index: Int, t: Double, normal: Vec3) {
        var best = (index: -1, t: Double.infinity, normal: Vec3.zero)
        scene.primitives.withUnsafeBufferPointer { prims in
            for i in 0..<prims.count {
                if let hit = prims[i].intersect(origin: o, direction: d, tMin: 1e-6, tMax: best.t) {
                    best = (i, hit.t, prims[i].toWorld * hit.normal)
                }
            }
        }
        if best.normal.dot(d) > 0 { best.normal = -best.normal }
        return best
    }

    @inline(__always)
    func inShadow(_ p: Vec3, _ l: Vec3) -> Bool {
        occluders.withUnsafeBufferPointer { prims in
            for i in 0..<prims.count where prims[i].intersect(origin: p, direction: l, tMin: 1e-6, tMax: .infinity) != nil {
                return true
            }
            return false
        }
    }

    /// Linear radiance of a hit.
    func shade(_ o: Vec3, _ d: Vec3, _ hit: (index: Int, t: Double, normal: Vec3)) -> Vec3 {
        let prim = scene.primitives[hit.index]
        let m = scene.materials[prim.material]
        let p = o + hit.t * d
        let local = prim.toLocal * (p - prim.center)
        let albedo: Vec3
        switch prim.shape {
        case .backdrop(let r):
            let c = Procedural.backdrop(m, hills: scene.backdropHills, ground: scene.backdropGround, local / r)
            return Vec3(Procedural.toLinear(c.x), Procedural.toLinear(c.y), Procedural.toLinear(c.z)) * 0.95
        case .quad:
            var a = Procedural.planeAlbedo(m, local.x, local.y)
            if prim.instance == 1 {
                // Beyond the room's footprint the floor blends into the backdrop's ground colour.
                let dd = max(abs(local.x) - scene.room.halfX, abs(local.y) - scene.room.halfY)
                a = Procedural.mix(a, scene.backdropGround, Procedural.smooth(min(1, max(0, dd) / 3)))
            }
            albedo = a
        default:
            albedo = Procedural.objectAlbedo(m, local)
        }
        let lin = Vec3(Procedural.toLinear(albedo.x), Procedural.toLinear(albedo.y), Procedural.toLinear(albedo.z))
        let L = scene.lights, n = hit.normal
        var key = max(0, n.dot(L.keyDirection))
        if key > 0 && scene.config.shadows && inShadow(p + n * 2e-4, L.keyDirection) { key = 0 }
        let fill = max(0, n.dot(L.fillDirection))
        let hz = 0.5 + 0.5 * n.z
        let ambient = L.ambientGround * (1 - hz) + L.ambientSky * hz
        let irr = ambient + L.keyColor * (L.keyIntensity * key) + L.fillColor * (L.fillIntensity * fill)
        return Vec3(lin.x * irr.x, lin.y * irr.y, lin.z * irr.z) * L.exposure
    }

    /// Sub-pixel sample offsets: an ss×ss grid; with an even grid the centre is traced separately.
    var sampleOffsets: (offsets: [(Double, Double)], centre: Int, colourCount: Int) {
        let ss = scene.config.supersampling
        var offs: [(Double, Double)] = []
        for j in 0..<ss { for i in 0..<ss { offs.append(((Double(i) + 0.5) / Double(ss), (Double(j) + 0.5) / Double(ss))) } }
        if ss % 2 == 1 { return (offs, offs.count / 2, offs.count) }
        return (offs + [(0.5, 0.5)], offs.count, offs.count)
    }

    /// Renders view `index`, rows in parallel (results do not depend on the thread count).
    public func render(view index: Int) -> ViewRender {
        let cam = scene.cameras[index]
        let w = cam.width, h = cam.height, npx = w * h
        var rgb8 = [UInt8](repeating: 0, count: 3 * npx)
        var instance = [Int32](repeating: 0, count: npx)
        var part = [Int32](repeating: -1, count: npx)
        var position = [Double](repeating: 0, count: 3 * npx)
        var depth = [Float](repeating: 0, count: npx)
        let (offsets, centre, colourCount) = sampleOffsets
        let camToWorld = cam.rotation.transposed
        let origin = cam.center
        rgb8.withUnsafeMutableBufferPointer { rgbBuf in
        instance.withUnsafeMutableBufferPointer { instBuf in
        part.withUnsafeMutableBufferPointer { partBuf in
        position.withUnsafeMutableBufferPointer { posBuf in
        depth.withUnsafeMutableBufferPointer { depthBuf in
            let rgbP = SendableBuffer(p: rgbBuf.baseAddress!), instP = SendableBuffer(p: instBuf.baseAddress!)
            let partP = SendableBuffer(p: partBuf.baseAddress!), posP = SendableBuffer(p: posBuf.baseAddress!)
            let depthP = SendableBuffer(p: depthBuf.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: h) { y in
                for x in 0..<w {
                    let px = y * w + x
                    var sum = Vec3.zero
                    for (s, off) in offsets.enumerated() {
                        let dc = Vec3((Double(x) + off.0 - cam.cx) / cam.fx, (Double(y) + off.1 - cam.cy) / cam.fy, 1).normalized
                        let d = camToWorld * dc
                        let hit = trace(origin, d)
                        if s < colourCount { sum += shade(origin, d, hit) }
                        if s == centre {
                            let prim = scene.primitives[hit.index]
                            instP.p[px] = prim.instance
                            partP.p[px] = prim.part
                            let p = origin + hit.t * d
                            posP.p[3 * px] = p.x; posP.p[3 * px + 1] = p.y; posP.p[3 * px + 2] = p.z
                            depthP.p[px] = Float(hit.t * dc.z)
                        }
                    }
                    let mean = sum / Double(colourCount)
                    for c in 0..<3 {
                        rgbP.p[3 * px + c] = UInt8(min(255, max(0, (Procedural.toSRGB(mean[c]) * 255).rounded())))
                    }
                }
            }
        }}}}}
        return ViewRender(width: w, height: h, rgb8: rgb8, instance: instance, part: part, position: position, depth: depth)
    }
}
