import Foundation
@testable import SplatLift
import SplatMath

/// Slow, plain Double implementations of METHOD.md §1.3 written straight from the formulas, used as
/// the oracle for the fast Float kernels and as the function finite differences differentiate.
/// Features are planar d·H·W like RenderOutput.features; labels are raw per-pixel values.
enum Reference {
    static func unit(_ x: [Double], norm: Double) -> [Double] { x.map { $0 / (norm + 1e-6) } }
    static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func pixel(_ f: [Double], _ u: Int, n: Int, d: Int) -> [Double] { (0..<d).map { f[$0 * n + u] } }

    /// Stop-gradient quantities of the contrastive loss: the per-pixel norms (nil: live, the
    /// `.exact` gradient) and per-label φ.
    struct Detached {
        var norms: [Double]?
        var temperatures: [Int32: Double]
    }

    /// Eq. 1 on the given samples. With `detached` the norms (when given) and temperatures are taken
    /// as fixed inputs (what the fast gradient differentiates); without, they are computed from `f`.
    static func contrastive(_ f: [Double], n: Int, d: Int, labels: [Int32], samples: [Int32], minSegmentSamples: Int,
                            detached: Detached? = nil) -> (loss: Double, detached: Detached) {
        let norms = detached?.norms ?? (0..<n).map { norm(pixel(f, $0, n: n, d: d)) }
        var members: [Int32: [[Double]]] = [:]
        for p in samples.map(Int.init) {
            members[labels[p], default: []].append(unit(pixel(f, p, n: n, d: d), norm: norms[p]))
        }
        let segments = members.keys.filter { members[$0]!.count > minSegmentSamples }.sorted()
        var prototypes: [Int32: [Double]] = [:]
        var temperatures: [Int32: Double] = [:]
        for s in segments {
            let list = members[s]!
            let count = Double(list.count)
            let mu = (0..<d).map { j in list.reduce(0) { $0 + $1[j] } / count }
            prototypes[s] = mu
            let spread = list.reduce(0) { $0 + norm(zip($1, mu).map { $0 - $1 }) }
            temperatures[s] = detached?.temperatures[s] ?? min(max(10 * spread / (count * log(count + 10)), 0.5), 1)
        }
        var loss = 0.0
        for s in segments {
            for fhat in members[s]! {
                let own = exp(dot(fhat, prototypes[s]!) / temperatures[s]!)
                let all = segments.reduce(0) { $0 + exp(dot(fhat, prototypes[$1]!) / temperatures[$1]!) }
                loss += -log(own / (all + 1e-6))
            }
        }
        if !segments.isEmpty { loss /= Double(segments.count) }
        return (loss, Detached(norms: norms, temperatures: temperatures))
    }

    /// L_reg = mean (‖F_u‖ − 1)².
    static func normRegularizer(_ f: [Double], n: Int, d: Int) -> Double {
        (0..<n).reduce(0) { let r = norm(pixel(f, $1, n: n, d: d)) - 1; return $0 + r * r } / Double(n)
    }

    /// §1.3(b): the confidence of every pixel.
    static func confidence(_ f: [Double], n: Int, d: Int, labels: [Int32]) -> [Double] {
        let hats = (0..<n).map { u -> [Double] in let x = pixel(f, u, n: n, d: d); return unit(x, norm: norm(x)) }
        let present = Array(Set(labels)).sorted()
        var mu: [Int32: [Double]] = [:], phi: [Int32: Double] = [:]
        for s in present {
            let list = (0..<n).filter { labels[$0] == s }.map { hats[$0] }
            let count = Double(list.count)
            let m = (0..<d).map { j in list.reduce(0) { $0 + $1[j] } / count }
            mu[s] = m
            let spread = list.reduce(0) { $0 + norm(zip($1, m).map { $0 - $1 }) }
            phi[s] = min(max(0.1 * spread / (count * log(count + 10)), 0.1), 1)
        }
        return (0..<n).map { u in
            let own = exp(dot(hats[u], mu[labels[u]]!) / phi[labels[u]]!)
            let all = present.reduce(0) { $0 + exp(dot(hats[u], mu[$1]!) / phi[$1]!) }
            return own / (all + 1e-6)
        }
    }

    struct Association {
        var classification: Double
        var concentration: Double
        var pseudo: [Int32: Int]
        var mismatch: Bool
    }

    /// §1.3(c): mapping on the sorted labels (first L), L_class (gated) and L_concen over `keep`.
    static func association(_ f: [Double], n: Int, d: Int, labels: [Int32], codebook c: [Double], entries: Int,
                            mapping: IDMappingCost, keep: [Bool]) -> Association {
        let sorted = Array(Set(labels)).sorted()
        let rows = min(sorted.count, entries)
        var probabilities = [[Double]]()
        var logits = [[Double]]()
        for u in 0..<n {
            let x = pixel(f, u, n: n, d: d)
            let z = (0..<entries).map { k in dot(Array(c[(k * d)..<((k + 1) * d)]), x) }
            let m = z.max()!
            let e = z.map { exp($0 - m) }
            let s = e.reduce(0, +)
            logits.append(z)
            probabilities.append(e.map { $0 / s })
        }
        var sums = [Double](repeating: 0, count: rows * entries)
        var areas = [Int](repeating: 0, count: sorted.count)
        for u in 0..<n {
            let l = sorted.firstIndex(of: labels[u])!
            areas[l] += 1
            if l < rows { for k in 0..<entries { sums[l * entries + k] += probabilities[u][k] } }
        }
        var cost = [Double](repeating: 0, count: rows * entries)
        for l in 0..<rows {
            for k in 0..<entries {
                cost[l * entries + k] = mapping == .area ? -sums[l * entries + k] : -sums[l * entries + k] / (Double(areas[l]) + 1e-4)
            }
        }
        let assignment = LinearAssignment.solve(cost: cost, rows: rows, cols: entries)
        var pseudo: [Int32: Int] = [:]
        for (l, label) in sorted.enumerated() { pseudo[label] = l < rows ? assignment[l] : 0 }
        var mismatch = false
        for u in 0..<n {
            let z = logits[u]
            let argmax = z.firstIndex(of: z.max()!)!
            if argmax != pseudo[labels[u]]! { mismatch = true }
        }
        let omega = (0..<n).filter { keep[$0] }
        guard !omega.isEmpty else { return Association(classification: 0, concentration: 0, pseudo: pseudo, mismatch: mismatch) }
        var ce = 0.0, conc = 0.0
        for u in omega {
            let y = pseudo[labels[u]]!
            let z = logits[u]
            let m = z.max()!
            ce += m + log(z.reduce(0) { $0 + exp($1 - m) }) - z[y]
            let x = pixel(f, u, n: n, d: d)
            let hat = unit(x, norm: norm(x))
            conc += norm((0..<d).map { c[y * d + $0] - hat[$0] })
        }
        let cls = mismatch ? ce / Double(omega.count) / log(Double(entries)) : 0
        return Association(classification: cls, concentration: conc / Double(omega.count), pseudo: pseudo, mismatch: mismatch)
    }

    /// Central differences of `function` at `x` for the listed coordinates.
    static func finiteDifferences(_ x: [Double], coordinates: [Int], step h: Double = 1e-5,
                                  _ function: ([Double]) -> Double) -> [Double] {
        coordinates.map { i in
            var plus = x, minus = x
            plus[i] += h; minus[i] -= h
            return (function(plus) - function(minus)) / (2 * h)
        }
    }
}

/// Small synthetic fixtures shared by the tests.
enum Fixture {
    /// A label map of `width`×`height` made of vertical bands with the given label values, plus a few
    /// isolated pixels of `stray` (a segment too small to enter the contrastive loss).
    static func bands(width: Int, height: Int, labels: [Int32], stray: Int32? = nil) -> [Int32] {
        var map = [Int32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { map[y * width + x] = labels[x * labels.count / width] }
        }
        if let stray { map[width + 1] = stray }
        return map
    }

    /// Random planar features, each pixel a noisy version of its label's direction.
    static func clusteredFeatures(labels: [Int32], d: Int, noise: Double, rng: inout SplatRandom) -> [Double] {
        let n = labels.count
        var directions: [Int32: [Double]] = [:]
        for l in Set(labels).sorted() { directions[l] = (0..<d).map { _ in rng.normal() } }
        var f = [Double](repeating: 0, count: d * n)
        for u in 0..<n {
            let scale = 0.5 + rng.uniform()
            for j in 0..<d { f[j * n + u] = scale * (directions[labels[u]]![j] * 0.3 + noise * rng.normal()) }
        }
        return f
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let scale = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return diff / max(scale, 1e-30)
    }
}
