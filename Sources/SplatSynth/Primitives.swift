#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// An analytic shape in its own local frame (local +z is the shape's axis).
public enum PrimitiveShape: Sendable, Equatable {
    /// Sphere centred at the local origin.
    case sphere(radius: Double)
    /// Box centred at the local origin.
    case box(halfExtents: Vec3)
    /// Truncated cone along local +z from z = 0 (radius `bottomRadius`) to z = `height`
    /// (radius `topRadius`); a cylinder when both radii match, a cone when the top radius is 0.
    case frustum(bottomRadius: Double, topRadius: Double, height: Double)
    /// Torus around local z, centred at the local origin.
    case torus(majorRadius: Double, minorRadius: Double)
    /// Rectangle u0...u1 × v0...v1 in the local plane z = 0 (floor, walls).
    case quad(u0: Double, u1: Double, v0: Double, v1: Double)
    /// Sphere seen from inside (the distant backdrop).
    case backdrop(radius: Double)

    /// Radius of a sphere around the local origin that holds the shape (∞ for planes and backdrop).
    var localBoundRadius: Double {
        switch self {
        case .sphere(let r): return r
        case .box(let e): return e.length
        case .frustum(let r0, let r1, let h): return (max(r0, r1) * max(r0, r1) + h * h).squareRoot()
        case .torus(let big, let small): return big + small
        case .quad, .backdrop: return .infinity
        }
    }
}

/// A placed shape: local → world is `x_world = toWorld · x_local + center`.
struct Primitive: Sendable {
    var shape: PrimitiveShape
    var toWorld: Mat3
    var toLocal: Mat3
    var center: Vec3
    /// Global instance id this shape belongs to.
    var instance: Int32
    /// Global part id (unique per primitive), used for part-wise SAM splits.
    var part: Int32
    var material: Int
    /// Casts shadows (objects do; room surfaces and backdrop do not).
    var occluder: Bool
    var boundRadius: Double

    init(shape: PrimitiveShape, toWorld: Mat3, center: Vec3, instance: Int32, part: Int32, material: Int, occluder: Bool) {
        self.shape = shape
        self.toWorld = toWorld
        self.toLocal = toWorld.transposed
        self.center = center
        self.instance = instance
        self.part = part
        self.material = material
        self.occluder = occluder
        self.boundRadius = shape.localBoundRadius
    }

    /// Nearest hit with t in (tMin, tMax): distance along the unit world ray and local normal.
    @inline(__always)
    func intersect(origin: Vec3, direction: Vec3, tMin: Double, tMax: Double) -> (t: Double, normal: Vec3)? {
        let oc = origin - center
        if boundRadius.isFinite {
            // Bounding-sphere rejection.
            let b = oc.dot(direction)
            let c = oc.dot(oc) - boundRadius * boundRadius
            let disc = b * b - c
            if disc < 0 { return nil }
            let s = disc.squareRoot()
            if -b + s <= tMin || -b - s >= tMax { return nil }
        }
        let o = toLocal * oc
        let d = toLocal * direction
        switch shape {
        case .sphere(let r): return Self.hitSphere(o, d, r, tMin, tMax)
        case .box(let e): return Self.hitBox(o, d, e, tMin, tMax)
        case .frustum(let r0, let r1, let h): return Self.hitFrustum(o, d, r0, r1, h, tMin, tMax)
        case .torus(let big, let small): return Self.hitTorus(o, d, big, small, tMin, tMax)
        case .quad(let u0, let u1, let v0, let v1):
            if abs(d.z) < 1e-12 { return nil }
            let t = -o.z / d.z
            if t <= tMin || t >= tMax { return nil }
            let x = o.x + t * d.x, y = o.y + t * d.y
            if x < u0 || x > u1 || y < v0 || y > v1 { return nil }
            return (t, Vec3(0, 0, 1))
        case .backdrop(let r):
            let b = o.dot(d), c = o.dot(o) - r * r
            let disc = b * b - c
            if disc < 0 { return nil }
            let t = -b + disc.squareRoot()
            if t <= tMin || t >= tMax { return nil }
            return (t, -(o + t * d) / r)
        }
    }

    static func hitSphere(_ o: Vec3, _ d: Vec3, _ r: Double, _ tMin: Double, _ tMax: Double) -> (t: Double, normal: Vec3)? {
        let b = o.dot(d), c = o.dot(o) - r * r
        let disc = b * b - c
        if disc < 0 { return nil }
        let s = disc.squareRoot()
        var t = -b - s
        if t <= tMin { t = -b + s }
        if t <= tMin || t >= tMax { return nil }
        return (t, (o + t * d) / r)
    }

    static func hitBox(_ o: Vec3, _ d: Vec3, _ e: Vec3, _ tMin: Double, _ tMax: Double) -> (t: Double, normal: Vec3)? {
        var tNear = -Double.infinity, tFar = Double.infinity
        var nearAxis = 0, farAxis = 0
        for a in 0..<3 {
            let oa = o[a], da = d[a], ea = e[a]
            if abs(da) < 1e-15 {
                if oa < -ea || oa > ea { return nil }
                continue
            }
            var t0 = (-ea - oa) / da, t1 = (ea - oa) / da
            if t0 > t1 { swap(&t0, &t1) }
            if t0 > tNear { tNear = t0; nearAxis = a }
            if t1 < tFar { tFar = t1; farAxis = a }
            if tNear > tFar { return nil }
        }
        var t = tNear, axis = nearAxis
        if t <= tMin { t = tFar; axis = farAxis }
        if t <= tMin || t >= tMax { return nil }
        var n = Vec3.zero
        n[axis] = (o[axis] + t * d[axis]) > 0 ? 1 : -1
        return (t, n)
    }

    static func hitFrustum(_ o: Vec3, _ d: Vec3, _ r0: Double, _ r1: Double, _ h: Double,
                           _ tMin: Double, _ tMax: Double) -> (t: Double, normal: Vec3)? {
        var best = tMax
        var normal = Vec3.zero
        // Lateral surface: x² + y² = ρ(z)², ρ(z) = r0 + k z.
        let k = (r1 - r0) / h
        let rho0 = r0 + k * o.z
        let a = d.x * d.x + d.y * d.y - k * k * d.z * d.z
        let b = 2 * (o.x * d.x + o.y * d.y - k * rho0 * d.z)
        let c = o.x * o.x + o.y * o.y - rho0 * rho0
        var roots: (Double, Double) = (.nan, .nan)
        if abs(a) < 1e-14 {
            if abs(b) > 1e-14 { roots.0 = -c / b }
        } else {
            let disc = b * b - 4 * a * c
            if disc >= 0 {
                let s = disc.squareRoot()
                roots = ((-b - s) / (2 * a), (-b + s) / (2 * a))
            }
        }
        for t in (0..<2).lazy.map({ $0 == 0 ? roots.0 : roots.1 }) where t.isFinite && t > tMin && t < best {
            let z = o.z + t * d.z
            let rho = r0 + k * z
            if z >= 0 && z <= h && rho >= 0 {
                best = t
                normal = Vec3(o.x + t * d.x, o.y + t * d.y, -k * rho).normalized
            }
        }
        // Caps: bottom (z = 0, radius r0, facing −z) and top (z = h, radius r1, facing +z).
        if abs(d.z) > 1e-15 {
            for cap in 0..<2 {
                let zc = cap == 0 ? 0 : h, rc = cap == 0 ? r0 : r1
                if rc <= 0 { continue }
                let t = (zc - o.z) / d.z
                if t > tMin && t < best {
                    let x = o.x + t * d.x, y = o.y + t * d.y
                    if x * x + y * y <= rc * rc { best = t; normal = Vec3(0, 0, cap == 0 ? -1 : 1) }
                }
            }
        }
        return best < tMax ? (best, normal) : nil
    }

    /// Sphere tracing on the exact torus distance function, started at the bounding sphere.
    static func hitTorus(_ o: Vec3, _ d: Vec3, _ big: Double, _ small: Double,
                         _ tMin: Double, _ tMax: Double) -> (t: Double, normal: Vec3)? {
        let rb = big + small
        let b = o.dot(d), c = o.dot(o) - rb * rb
        let disc = b * b - c
        if disc < 0 { return nil }
        let s = disc.squareRoot()
        var t = max(-b - s, tMin + 1e-9)
        let tEnd = min(-b + s, tMax)
        var steps = 0
        while t < tEnd && steps < 200 {
            let p = o + t * d
            let q = (p.x * p.x + p.y * p.y).squareRoot() - big
            let dist = (q * q + p.z * p.z).squareRoot() - small
            if dist < 1e-7 {
                let l = max((p.x * p.x + p.y * p.y).squareRoot(), 1e-12)
                let f = 1 - big / l
                return (t, Vec3(f * p.x, f * p.y, p.z).normalized)
            }
            t += dist
            steps += 1
        }
        return nil
    }
}
