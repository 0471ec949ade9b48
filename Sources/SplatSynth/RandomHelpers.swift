#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

extension SplatRandom {
    /// An independent stream for one purpose of one scene (layout, cameras, view v's SAM masks, …).
    static func stream(seed: UInt64, _ purpose: UInt64, _ index: UInt64 = 0) -> SplatRandom {
        var z = seed &+ purpose &* 0x9E37_79B9_7F4A_7C15 &+ index &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return SplatRandom(seed: z ^ (z >> 31))
    }

    /// Uniform in [a, b).
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// A Poisson-distributed count (Knuth's method; fine for small means).
    mutating func poisson(_ mean: Double) -> Int {
        if mean <= 0 { return 0 }
        let limit = exp(-mean)
        var k = 0, p = uniform()
        while p > limit && k < 1000 { k += 1; p *= uniform() }
        return k
    }

    /// A random permutation of 0..<n (Fisher–Yates).
    mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<n)
        if n < 2 { return a }
        for i in stride(from: n - 1, to: 0, by: -1) { a.swapAt(i, int(below: i + 1)) }
        return a
    }
}

/// HSV (all in [0, 1], hue wraps) → sRGB.
func hsvColor(_ h: Double, _ s: Double, _ v: Double) -> Vec3 {
    let hh = (h - h.rounded(.down)) * 6
    let i = Int(hh) % 6, f = hh - hh.rounded(.down)
    let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
    switch i {
    case 0: return Vec3(v, t, p)
    case 1: return Vec3(q, v, p)
    case 2: return Vec3(p, v, t)
    case 3: return Vec3(p, q, v)
    case 4: return Vec3(t, p, v)
    default: return Vec3(v, p, q)
    }
}

/// Rotation about world z by angle a (radians).
func rotationZ(_ a: Double) -> Mat3 {
    Mat3(rows: Vec3(cos(a), -sin(a), 0), Vec3(sin(a), cos(a), 0), Vec3(0, 0, 1))
}
/// Rotation about x by angle a.
func rotationX(_ a: Double) -> Mat3 {
    Mat3(rows: Vec3(1, 0, 0), Vec3(0, cos(a), -sin(a)), Vec3(0, sin(a), cos(a)))
}
/// Rotation about y by angle a.
func rotationY(_ a: Double) -> Mat3 {
    Mat3(rows: Vec3(cos(a), 0, sin(a)), Vec3(0, 1, 0), Vec3(-sin(a), 0, cos(a)))
}
/// The matrix whose columns are a, b, c.
func matrixWithColumns(_ a: Vec3, _ b: Vec3, _ c: Vec3) -> Mat3 { Mat3(rows: a, b, c).transposed }
