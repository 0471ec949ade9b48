#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// An object in its own frame (base centre at the origin, +z up) before placement.
struct ObjectSpec {
    struct Part { var shape: PrimitiveShape; var rotation: Mat3; var center: Vec3; var material: Int }
    var kind: String
    var sizeClass: String
    var parts: [Part]
    var materials: [Material]
    var footprintRadius: Double
    var height: Double
    /// Boxes may stay axis-aligned (yaw 0).
    var axisAligned = false

    /// The same object uniformly scaled about its base centre.
    func scaled(by f: Double) -> ObjectSpec {
        var o = self
        o.parts = parts.map { p in
            let shape: PrimitiveShape
            switch p.shape {
            case .sphere(let r): shape = .sphere(radius: r * f)
            case .box(let e): shape = .box(halfExtents: e * f)
            case .frustum(let r0, let r1, let h): shape = .frustum(bottomRadius: r0 * f, topRadius: r1 * f, height: h * f)
            case .torus(let big, let small): shape = .torus(majorRadius: big * f, minorRadius: small * f)
            default: shape = p.shape
            }
            return Part(shape: shape, rotation: p.rotation, center: p.center * f, material: p.material)
        }
        o.footprintRadius *= f
        o.height *= f
        return o
    }
}

enum ObjectBuilder {
    static let primitiveKinds = ["sphere", "box", "cylinder", "cone", "torus"]
    static let compositeKinds = ["snowman", "table"]
    static let objectTextures: [TextureKind] = [.checker, .stripes, .noise, .dots, .wood]

    /// The kinds of K objects: one composite first (when K ≥ 4), then every primitive kind, then repeats.
    static func chooseKinds(_ k: Int, rng: inout SplatRandom) -> [(kind: String, sizeClass: String)] {
        let prims = rng.permutation(primitiveKinds.count).map { primitiveKinds[$0] }
        let comps = rng.permutation(compositeKinds.count).map { compositeKinds[$0] }
        var kinds: [String]
        if k <= 3 {
            let pool = prims + [comps[0]]
            kinds = rng.permutation(pool.count).prefix(k).map { pool[$0] }
        } else {
            kinds = [comps[0]] + prims
            var i = 0
            while kinds.count < k {
                kinds.append(i % 3 == 2 ? comps[(i / 3 + 1) % comps.count] : prims[i % prims.count])
                i += 1
            }
            kinds = Array(kinds.prefix(k))
        }
        return kinds.enumerated().map { (i, kind) in
            (kind, (i < max(1, k / 3) || compositeKinds.contains(kind)) ? "large" : "medium")
        }
    }

    static func material(_ rng: inout SplatRandom, hue: Double, texture: TextureKind) -> Material {
        let c1 = hsvColor(hue, rng.uniform(0.45, 0.85), rng.uniform(0.6, 0.95))
        let c2: Vec3
        switch texture {
        case .checker, .dots: c2 = hsvColor(hue + rng.uniform(0.35, 0.65), rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.5))
        default: c2 = hsvColor(hue + rng.uniform(-0.08, 0.08), rng.uniform(0.5, 0.9), rng.uniform(0.25, 0.5))
        }
        let scale: Double
        switch texture {
        case .checker: scale = rng.uniform(0.06, 0.1)
        case .stripes: scale = rng.uniform(0.05, 0.09)
        case .noise: scale = rng.uniform(0.08, 0.14)
        case .dots: scale = rng.uniform(0.05, 0.07)
        case .wood: scale = rng.uniform(0.025, 0.04)
        default: scale = 0.1
        }
        return Material(texture: texture, color1: c1, color2: c2, scale: scale, seed: rng.next() % 100_000)
    }

    static func build(kind: String, sizeClass: String, hue: Double, texture: TextureKind,
                      rng: inout SplatRandom) -> ObjectSpec {
        let big = sizeClass == "large"
        let id = Mat3.identity
        typealias P = ObjectSpec.Part
        switch kind {
        case "sphere":
            let r = big ? rng.uniform(0.2, 0.27) : rng.uniform(0.13, 0.18)
            return ObjectSpec(kind: kind, sizeClass: sizeClass,
                              parts: [P(shape: .sphere(radius: r), rotation: id, center: Vec3(0, 0, r), material: 0)],
                              materials: [material(&rng, hue: hue, texture: texture)], footprintRadius: r, height: 2 * r)
        case "box":
            let s = big ? 1.0 : 0.7
            let e = Vec3(rng.uniform(0.13, 0.24) * s, rng.uniform(0.13, 0.24) * s, rng.uniform(0.12, 0.24) * s)
            var o = ObjectSpec(kind: kind, sizeClass: sizeClass,
                               parts: [P(shape: .box(halfExtents: e), rotation: id, center: Vec3(0, 0, e.z), material: 0)],
                               materials: [material(&rng, hue: hue, texture: texture)],
                               footprintRadius: (e.x * e.x + e.y * e.y).squareRoot(), height: 2 * e.z)
            o.axisAligned = rng.uniform() < 0.5
            return o
        case "cylinder", "cone":
            let s = big ? 1.0 : 0.75
            let r = (kind == "cone" ? rng.uniform(0.15, 0.22) : rng.uniform(0.1, 0.16)) * s
            let h = rng.uniform(0.32, 0.55) * s
            let top = kind == "cone" ? 0 : r
            return ObjectSpec(kind: kind, sizeClass: sizeClass,
                              parts: [P(shape: .frustum(bottomRadius: r, topRadius: top, height: h), rotation: id,
                                        center: .zero, material: 0)],
                              materials: [material(&rng, hue: hue, texture: texture)], footprintRadius: r, height: h)
        case "torus":
            let s = big ? 1.0 : 0.8
            let major = rng.uniform(0.15, 0.21) * s, minor = rng.uniform(0.05, 0.07) * s
            let upright = rng.uniform() < 0.5
            let part = upright
                ? P(shape: .torus(majorRadius: major, minorRadius: minor), rotation: rotationX(Double.pi / 2),
                    center: Vec3(0, 0, major + minor), material: 0)
                : P(shape: .torus(majorRadius: major, minorRadius: minor), rotation: id, center: Vec3(0, 0, minor), material: 0)
            return ObjectSpec(kind: kind, sizeClass: sizeClass, parts: [part],
                              materials: [material(&rng, hue: hue, texture: texture)], footprintRadius: major + minor,
                              height: upright ? 2 * (major + minor) : 2 * minor)
        case "table":
            let a = rng.uniform(0.3, 0.38), b = rng.uniform(0.22, 0.28), h = rng.uniform(0.42, 0.52)
            let t = 0.025, legR = 0.024
            var parts = [P(shape: .box(halfExtents: Vec3(a, b, t)), rotation: id, center: Vec3(0, 0, h - t), material: 0)]
            for (sx, sy) in [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)] {
                parts.append(P(shape: .frustum(bottomRadius: legR, topRadius: legR, height: h - 2 * t), rotation: id,
                               center: Vec3(sx * (a - 0.05), sy * (b - 0.05), 0), material: 1))
            }
            let top = material(&rng, hue: 0.07, texture: .wood)
            let legs = Material(texture: .solid, color1: hsvColor(hue, 0.5, 0.35), color2: hsvColor(hue, 0.5, 0.25),
                                scale: 0.05, seed: rng.next() % 100_000)
            return ObjectSpec(kind: kind, sizeClass: sizeClass, parts: parts, materials: [top, legs],
                              footprintRadius: (a * a + b * b).squareRoot(), height: h)
        default: // snowman: 3 stacked spheres, a cone nose, two buttons
            let r1 = rng.uniform(0.16, 0.2), r2 = 0.72 * r1, r3 = 0.52 * r1
            let z1 = r1, z2 = 2 * r1 + 0.75 * r2, z3 = z2 + 0.85 * r2 + 0.8 * r3
            var parts = [P(shape: .sphere(radius: r1), rotation: id, center: Vec3(0, 0, z1), material: 0),
                         P(shape: .sphere(radius: r2), rotation: id, center: Vec3(0, 0, z2), material: 0),
                         P(shape: .sphere(radius: r3), rotation: id, center: Vec3(0, 0, z3), material: 0),
                         P(shape: .frustum(bottomRadius: 0.22 * r3, topRadius: 0, height: 0.9 * r3),
                           rotation: rotationY(Double.pi / 2), center: Vec3(0.9 * r3, 0, z3), material: 1)]
            for dz in [-0.3, 0.3] {
                parts.append(P(shape: .sphere(radius: 0.14 * r2), rotation: id,
                               center: Vec3(0.95 * r2, 0, z2 + dz * r2), material: 2))
            }
            let snow = Material(texture: .noise, color1: Vec3(0.95, 0.95, 0.97), color2: Vec3(0.72, 0.78, 0.86),
                                scale: 0.07, seed: rng.next() % 100_000)
            let nose = Material(texture: .solid, color1: Vec3(0.95, 0.5, 0.1), color2: Vec3(0.85, 0.4, 0.05),
                                scale: 0.05, seed: 1)
            let buttons = Material(texture: .solid, color1: Vec3(0.08, 0.08, 0.1), color2: Vec3(0.12, 0.1, 0.1),
                                   scale: 0.05, seed: 2)
            return ObjectSpec(kind: "snowman", sizeClass: sizeClass, parts: parts, materials: [snow, nose, buttons],
                              footprintRadius: r1, height: z3 + r3)
        }
    }

    /// Human-readable part type names for instances.json.
    static func partName(_ s: PrimitiveShape) -> String {
        switch s {
        case .sphere: return "sphere"
        case .box: return "box"
        case .frustum(_, let top, _): return top == 0 ? "cone" : "cylinder"
        case .torus: return "torus"
        case .quad: return "quad"
        case .backdrop: return "backdrop"
        }
    }
}
