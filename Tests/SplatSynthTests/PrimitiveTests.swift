import Testing
import SplatMath
@testable import SplatSynth

/// Each analytic intersection agrees with a slow reference: march the ray through the shape's
/// inside/outside test in small steps, then bisect the first crossing.
@Suite struct PrimitiveTests {
    static func inside(_ s: PrimitiveShape, _ p: Vec3) -> Bool {
        switch s {
        case .sphere(let r): return p.length <= r
        case .box(let e): return abs(p.x) <= e.x && abs(p.y) <= e.y && abs(p.z) <= e.z
        case .frustum(let r0, let r1, let h):
            return p.z >= 0 && p.z <= h && (p.x * p.x + p.y * p.y).squareRoot() <= r0 + (r1 - r0) * p.z / h
        case .torus(let big, let small):
            let q = (p.x * p.x + p.y * p.y).squareRoot() - big
            return (q * q + p.z * p.z).squareRoot() <= small
        default: return false
        }
    }

    static func referenceHit(_ s: PrimitiveShape, _ o: Vec3, _ d: Vec3) -> Double? {
        let step = 1e-3
        var t = 0.0
        while t < 6 {
            if inside(s, o + (t + step) * d) {
                var lo = t, hi = t + step
                for _ in 0..<50 { let m = (lo + hi) / 2; if inside(s, o + m * d) { hi = m } else { lo = m } }
                return hi
            }
            t += step
        }
        return nil
    }

    @Test func intersectionsMatchMarchingReference() {
        let shapes: [PrimitiveShape] = [.sphere(radius: 0.4), .box(halfExtents: Vec3(0.3, 0.2, 0.45)),
                                         .frustum(bottomRadius: 0.3, topRadius: 0.3, height: 0.6),
                                         .frustum(bottomRadius: 0.35, topRadius: 0, height: 0.5),
                                         .torus(majorRadius: 0.35, minorRadius: 0.1)]
        var rng = SplatRandom(seed: 11)
        let rotation = Quat(w: 0.8, x: 0.3, y: -0.2, z: 0.4).rotationMatrix
        let center = Vec3(0.1, -0.2, 0.3)
        for shape in shapes {
            let prim = Primitive(shape: shape, toWorld: rotation, center: center, instance: 1, part: 0, material: 0, occluder: true)
            var hits = 0, agree = 0
            for _ in 0..<300 {
                let o = center + Vec3(rng.normal(), rng.normal(), rng.normal()).normalized * 2.5
                let aim = center + Vec3(rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(-0.2, 0.6))
                let d = (aim - o).normalized
                let fast = prim.intersect(origin: o, direction: d, tMin: 1e-6, tMax: .infinity)
                let slow = Self.referenceHit(shape, rotation.transposed * (o - center), rotation.transposed * d)
                if let slow {
                    hits += 1
                    if let fast, abs(fast.t - slow) < 2e-3 { agree += 1 }
                } else if fast == nil {
                    agree += 1
                }
            }
            // Grazing rays may differ by less than one marching step; allow 1%.
            #expect(agree >= 297, "\(shape): \(agree)/300 agree")
            #expect(hits > 60, "\(shape): too few hits (\(hits)) to test")
        }
    }

    @Test func normalsAreUnitAndFaceOutward() {
        let prim = Primitive(shape: .torus(majorRadius: 0.35, minorRadius: 0.1), toWorld: .identity, center: .zero,
                             instance: 1, part: 0, material: 0, occluder: true)
        let hit = prim.intersect(origin: Vec3(0.35, 0, 2), direction: Vec3(0, 0, -1), tMin: 1e-6, tMax: .infinity)
        #expect(hit != nil)
        if let hit {
            #expect(abs(hit.t - 1.9) < 1e-5)
            #expect(abs(hit.normal.z - 1) < 1e-5)
        }
    }
}
