#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// The procedural patterns SplatSynth paints on surfaces.
public enum TextureKind: String, Sendable, Codable, CaseIterable {
    // Objects (evaluated on the local 3D point).
    case checker, stripes, noise, dots, wood, solid
    // Room surfaces (evaluated on the plane's local u, v in metres).
    case planks, tiles, bricks, wallpaper, plaster, panel
    // The distant backdrop (evaluated on the direction from the origin).
    case sky
}

/// A surface material: a pattern, its two sRGB colours, the pattern scale in metres and a seed.
public struct Material: Sendable, Equatable {
    public var texture: TextureKind
    public var color1: Vec3
    public var color2: Vec3
    public var scale: Double
    public var seed: UInt64

    public init(texture: TextureKind, color1: Vec3, color2: Vec3, scale: Double, seed: UInt64) {
        self.texture = texture; self.color1 = color1; self.color2 = color2; self.scale = scale; self.seed = seed
    }
}

/// Pure functions of position: the same surface point has the same albedo from every view.
enum Procedural {
    @inline(__always) static func mix(_ a: Vec3, _ b: Vec3, _ t: Double) -> Vec3 { a * (1 - t) + b * t }
    @inline(__always) static func fract(_ x: Double) -> Double { x - x.rounded(.down) }
    @inline(__always) static func smooth(_ t: Double) -> Double { t * t * (3 - 2 * t) }

    /// Hash of an integer lattice point to [0, 1).
    @inline(__always) static func hash(_ i: Int, _ j: Int, _ k: Int, _ seed: UInt64) -> Double {
        var h = seed &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(bitPattern: Int64(i)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        h ^= UInt64(bitPattern: Int64(j)) &* 0xD6E8_FEB8_6659_FD93
        h = (h ^ (h >> 32)) &* 0xBF58_476D_1CE4_E5B9
        h ^= UInt64(bitPattern: Int64(k)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 33
        return Double(h >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Trilinear value noise in [0, 1).
    static func valueNoise(_ p: Vec3, _ seed: UInt64) -> Double {
        let fx = p.x.rounded(.down), fy = p.y.rounded(.down), fz = p.z.rounded(.down)
        let i = Int(fx), j = Int(fy), k = Int(fz)
        let u = smooth(p.x - fx), v = smooth(p.y - fy), w = smooth(p.z - fz)
        func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double { a + (b - a) * t }
        let x00 = lerp(hash(i, j, k, seed), hash(i + 1, j, k, seed), u)
        let x10 = lerp(hash(i, j + 1, k, seed), hash(i + 1, j + 1, k, seed), u)
        let x01 = lerp(hash(i, j, k + 1, seed), hash(i + 1, j, k + 1, seed), u)
        let x11 = lerp(hash(i, j + 1, k + 1, seed), hash(i + 1, j + 1, k + 1, seed), u)
        return lerp(lerp(x00, x10, v), lerp(x01, x11, v), w)
    }

    /// Fractal sum of value noise, in [0, 1).
    static func fbm(_ p: Vec3, _ seed: UInt64, octaves: Int = 4) -> Double {
        var sum = 0.0, amp = 0.5, norm = 0.0, q = p
        for o in 0..<octaves {
            sum += amp * valueNoise(q, seed &+ UInt64(o))
            norm += amp
            amp *= 0.5
            q = q * 2.03
        }
        return sum / norm
    }

    /// Albedo (sRGB) of an object material at local point p.
    static func objectAlbedo(_ m: Material, _ p: Vec3) -> Vec3 {
        let s = m.scale
        switch m.texture {
        case .checker:
            let n = Int((p.x / s).rounded(.down)) + Int((p.y / s).rounded(.down)) + Int((p.z / s).rounded(.down))
            return n & 1 == 0 ? m.color1 : m.color2
        case .stripes:
            let f = fract((p.z + 0.35 * p.x) / s)
            return f < 0.5 ? m.color1 : m.color2
        case .noise:
            return mix(m.color1, m.color2, smooth(min(1, max(0, 1.6 * fbm(p / s, m.seed) - 0.3))))
        case .dots:
            let q = p / s
            let c = Vec3(q.x.rounded(.down) + 0.5, q.y.rounded(.down) + 0.5, q.z.rounded(.down) + 0.5)
            return (q - c).length < 0.3 ? m.color2 : m.color1
        case .wood:
            let r = (p.x * p.x + p.z * p.z).squareRoot() / s + 2.5 * fbm(p / (4 * s), m.seed)
            return mix(m.color1, m.color2, smooth(fract(r)))
        default:
            return mix(m.color1, m.color2, 0.25 * fbm(p / s, m.seed))
        }
    }

    /// Albedo (sRGB) of a room-surface material at plane coordinates (u, v) in metres.
    static func planeAlbedo(_ m: Material, _ u: Double, _ v: Double) -> Vec3 {
        let s = m.scale
        let grain = fbm(Vec3(u * 9, v * 9, 0.5), m.seed)
        switch m.texture {
        case .planks:
            // Planks run along u, width s, length 6s, staggered per row.
            let row = (v / s).rounded(.down)
            let along = u / (6 * s) + 0.37 * row
            let plank = along.rounded(.down)
            let tint = hash(Int(row), Int(plank), 0, m.seed)
            let edge = min(fract(v / s), 1 - fract(v / s)) * s < 0.006 || min(fract(along), 1 - fract(along)) * 6 * s < 0.006
            let base = mix(m.color1, m.color2, 0.15 + 0.5 * tint + 0.3 * fbm(Vec3(u * 2, v * 30, row), m.seed))
            return edge ? base * 0.45 : base
        case .tiles:
            let fu = fract(u / s), fv = fract(v / s)
            let grout = min(fu, 1 - fu, fv, 1 - fv) * s < 0.012
            if grout { return m.color2 * 0.6 }
            let alt = (Int((u / s).rounded(.down)) + Int((v / s).rounded(.down))) & 1 == 0
            return mix(alt ? m.color1 : m.color1 * 0.82, m.color2, 0.15 * grain)
        case .bricks:
            let bh = s * 0.35, bw = s
            let row = (v / bh).rounded(.down)
            let uu = u / bw + (Int(row) & 1 == 0 ? 0 : 0.5)
            let fu = fract(uu), fv = fract(v / bh)
            if min(fu, 1 - fu) * bw < 0.01 || min(fv, 1 - fv) * bh < 0.01 { return Vec3(0.74, 0.72, 0.68) }
            let tint = hash(Int(uu.rounded(.down)), Int(row), 1, m.seed)
            return mix(m.color1, m.color2, 0.6 * tint + 0.3 * grain)
        case .wallpaper:
            let f = fract(u / s)
            let motif = (Vec3(fract(u / s * 2) - 0.5, fract(v / s * 2) - 0.5, 0)).length < 0.18
            return f < 0.5 ? (motif ? m.color2 * 0.8 : m.color1) : m.color2
        case .panel:
            if v < 0.9 {
                let fu = fract(u / s)
                let frame = min(fu, 1 - fu) * s < 0.05 || v < 0.1 || v > 0.8
                return frame ? m.color2 * 0.75 : m.color2
            }
            return mix(m.color1, m.color2, 0.2 * grain)
        default:
            return mix(m.color1, m.color2, smooth(fbm(Vec3(u / s, v / s, 0.5), m.seed)))
        }
    }

    /// Radiance (sRGB) of the unlit backdrop in unit direction dir: ground, distant hills, sky.
    static func backdrop(_ m: Material, hills: Vec3, ground: Vec3, _ dir: Vec3) -> Vec3 {
        let elevation = asin(max(-1, min(1, dir.z)))
        let azimuth = atan2(dir.y, dir.x)
        if elevation < 0 {
            return mix(ground, ground * 0.8, fbm(Vec3(dir.x * 12, dir.y * 12, 0), m.seed))
        }
        let ridge = 0.04 + 0.1 * fbm(Vec3(cos(azimuth) * 2.5, sin(azimuth) * 2.5, 7), m.seed &+ 11)
        if elevation < ridge {
            return mix(hills, hills * 0.7, fbm(Vec3(dir.x * 20, dir.y * 20, dir.z * 20), m.seed &+ 5))
        }
        let t = min(1, elevation / 1.2)
        let cloud = max(0, fbm(Vec3(dir.x * 3 / (dir.z + 0.2), dir.y * 3 / (dir.z + 0.2), 3), m.seed &+ 3) - 0.55) * 2
        return mix(mix(m.color1, m.color2, t.squareRoot()), Vec3(1, 1, 1), min(0.8, cloud))
    }

    /// sRGB → linear.
    @inline(__always) static func toLinear(_ c: Double) -> Double {
        c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }
    /// Linear → sRGB.
    @inline(__always) static func toSRGB(_ x: Double) -> Double {
        let c = max(0, x)
        return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
    }
}
