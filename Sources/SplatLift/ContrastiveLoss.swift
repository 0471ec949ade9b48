import Foundation
import SplatMath

/// Eq. 1, the prototype contrastive loss on rendered features (METHOD.md §1.3(a), [OMNI] without the
/// hierarchical part):
///
///     L = (1/|S'|) Σ_{s∈S'} Σ_{u∈s} −log[ exp(f̂_u·μ_s/φ_s) / (Σ_{k∈S'} exp(f̂_u·μ_k/φ_k) + 1e-6) ]
///
/// over B pixels drawn with replacement; S' = labels with more than `minSegmentSamples` samples;
/// f̂ = F/(‖F‖+1e-6) with the norm detached; μ_s = mean of f̂ over the samples of s (not detached);
/// φ_s = clip(10·Σ‖f̂_u − μ_s‖/(n_s·ln(n_s+10)), 0.5, 1), detached.
///
/// Gradient (m_k = μ_k/φ_k, c_{uk} = softmax_k − [k = s_u], w = 1/|S'|):
///     dL/df̂_u = w Σ_k c_{uk} m_k + G_{s_u}/n_{s_u},   G_k = (w/φ_k) Σ_u c_{uk} f̂_u,
///     dL/dF_u = dL/df̂_u / (‖F_u‖ + 1e-6)                        (norm detached, [CODE]), or
///     dL/dF_u = (g − (g·f̂_u) f̂_u ‖F_u‖/(‖F_u‖+1e-6)) / (‖F_u‖ + 1e-6),  g = dL/df̂_u   (exact).
/// A pixel drawn r times is evaluated once with weight r (the sums are over draws). With
/// `wholeSegmentsFrom` (SplatLift's option), a segment drawn too few times but of at least that
/// many pixels enters with each of its pixels drawn exactly once: its prototype is then exact, not
/// a noisy estimate, which is what the sample floor guards against.
final class ContrastiveLoss {
    private let multiplicity = ScratchBuffer<Int32>(fill: 0)   // per pixel: times drawn
    private let pixelOf = ScratchBuffer<Int32>(fill: 0)        // kept pixel list (pixel order)
    private let segmentOf = ScratchBuffer<Int32>(fill: 0)      // → position in S'
    private let directGradient = ScratchBuffer<Float>(fill: 0) // kept × d
    private let scratch = ScratchBuffer<V16>(fill: .zero)      // chunk × vectors
    private let prototypeGradient = ScratchBuffer<V16>(fill: .zero)   // chunk × d × vectors
    private let transposed = ScratchBuffer<V16>(fill: .zero)   // d × vectors: m_k = μ_k/φ_k
    private let lossPartials = ScratchBuffer<Double>(fill: 0)

    /// The compact labels forming S' and their temperatures φ in the last evaluation.
    private(set) var segmentLabels: [Int] = []
    private(set) var temperatures: [Double] = []

    /// Draws `count` pixel indices uniformly with replacement from 0..<pixelCount.
    static func drawSamples(_ samples: inout [Int32], count: Int, pixelCount: Int, rng: inout SplatRandom) {
        if samples.count != count { samples = [Int32](repeating: 0, count: count) }
        for b in 0..<count { samples[b] = Int32(rng.int(below: pixelCount)) }
    }

    /// Returns L_contra and adds `gradientScale`·dL/dF into the planar `gradient` (d·H·W).
    /// `normalized`/`norms` come from `FeatureNormalization`; `labels` is the compact label index;
    /// `wholeSegmentsFrom`, when given, holds the smallest whole segment and every label's pixel count.
    func evaluate(normalized: UnsafePointer<Float>, norms: UnsafePointer<Float>, pixelCount n: Int, featureCount d: Int,
                  labels: UnsafePointer<UInt16>, labelCount: Int, samples: UnsafeBufferPointer<Int32>,
                  minSegmentSamples: Int, wholeSegmentsFrom: (minimum: Int, areas: [Int])? = nil, normGradient: NormGradient,
                  gradientScale: Float, gradient: UnsafeMutablePointer<Float>, threads: Int = 0) -> Double {
        // Segments S': labels drawn more than minSegmentSamples times (or whole), in label order.
        let drawn = multiplicity.reserve(n, zeroed: true)
        var counts = [Int](repeating: 0, count: labelCount)
        for p in samples {
            drawn[Int(p)] &+= 1
            counts[Int(labels[Int(p)])] += 1
        }
        var entering = counts.map { $0 > minSegmentSamples }
        if let (minimum, areas) = wholeSegmentsFrom {
            let whole = (0..<labelCount).map { !entering[$0] && areas[$0] >= minimum }
            if whole.contains(true) {
                for l in 0..<labelCount where whole[l] { counts[l] = areas[l]; entering[l] = true }
                for p in 0..<n where whole[Int(labels[p])] { drawn[p] = 1 }
            }
        }
        var position = [Int32](repeating: -1, count: labelCount)
        var segmentSizes = [Int]()
        segmentLabels = []
        for l in 0..<labelCount where entering[l] {
            position[l] = Int32(segmentSizes.count)
            segmentSizes.append(counts[l])
            segmentLabels.append(l)
        }
        let segments = segmentSizes.count
        temperatures = []
        guard segments > 0 else { return 0 }

        // Distinct drawn pixels of S' segments; prototypes μ_s and temperatures φ_s (Double sums).
        var keptCount = 0
        for p in 0..<n where drawn[p] > 0 && position[Int(labels[p])] >= 0 { keptCount += 1 }
        let kept = keptCount
        let pixelOf = self.pixelOf.reserve(kept), segmentOf = self.segmentOf.reserve(kept)
        var mean = [Double](repeating: 0, count: segments * d)
        var i = 0
        for p in 0..<n where drawn[p] > 0 {
            let s = position[Int(labels[p])]
            guard s >= 0 else { continue }
            pixelOf[i] = Int32(p)
            segmentOf[i] = s
            let r = Double(drawn[p])
            for j in 0..<d { mean[Int(s) * d + j] += r * Double(normalized[p * d + j]) }
            i += 1
        }
        for s in 0..<segments {
            for j in 0..<d { mean[s * d + j] /= Double(segmentSizes[s]) }
        }
        var spread = [Double](repeating: 0, count: segments)
        for i in 0..<kept {
            let p = Int(pixelOf[i]), s = Int(segmentOf[i])
            var sq = 0.0
            for j in 0..<d {
                let diff = Double(normalized[p * d + j]) - mean[s * d + j]
                sq += diff * diff
            }
            spread[s] += Double(drawn[p]) * sq.squareRoot()
        }
        var scaledPrototypes = [Float](repeating: 0, count: segments * d)
        for s in 0..<segments {
            let count = Double(segmentSizes[s])
            let phi = min(max(10 * spread[s] / (count * Foundation.log(count + 10)), 0.5), 1.0)
            temperatures.append(phi)
            for j in 0..<d { scaledPrototypes[s * d + j] = Float(mean[s * d + j] / phi) }
        }
        let kernel = CodebookKernel(codebook: scaledPrototypes, entries: segments, featureCount: d, storage: transposed)
        let vectors = kernel.vectors
        let weight = Float(1.0 / Double(segments))

        // Parallel over kept pixels: loss, direct gradient w Σ_k c_uk m_k, per-chunk Σ c_uk f̂_u.
        let chunks = chunkCount(for: kept)
        let zs = SendablePointer(scratch.reserve(chunks * vectors))
        let gPartial = SendablePointer(prototypeGradient.reserve(chunks * d * vectors, zeroed: true))
        let direct = SendablePointer(directGradient.reserve(kept * d))
        let lossSums = SendablePointer(lossPartials.reserve(chunks))
        let hat = SendablePointer(UnsafeMutablePointer(mutating: normalized))
        let pix = SendablePointer(pixelOf), seg = SendablePointer(segmentOf), rep = SendablePointer(drawn)
        parallelChunks(chunks, threads: threads) { chunk in
            let z = zs.base + chunk &* vectors
            let gp = gPartial.base + chunk &* d &* vectors
            let mt = UnsafePointer(kernel.transposed)
            var lossSum = 0.0
            for i in chunkRange(chunk, of: chunks, count: kept) {
                let p = Int(pix.base[i])
                let f = UnsafePointer(hat.base + p &* d)
                let r = Float(rep.base[p])
                kernel.linear(f, into: z)
                var total = V16(repeating: 0)
                for v in 0..<vectors {
                    var e = vexp(z[v])
                    if v == vectors &- 1 { e = kernel.maskPadding(e) }
                    total += e
                    z[v] = e
                }
                let own = Int(seg.base[i])
                var ownLogit: Float = 0
                for j in 0..<d { ownLogit += f[j] * mt[j &* vectors &+ own / 16][own % 16] }
                let partition = horizontalSum(total) + 1e-6
                lossSum += Double(r) * Double(Foundation.log(partition) - ownLogit)
                // r·c_uk = r·(softmax − one-hot), in place of the exponentials.
                let scale = V16(repeating: r / partition)
                for v in 0..<vectors { z[v] *= scale }
                z[own / 16][own % 16] -= r
                for j in 0..<d {
                    var acc = V16(repeating: 0)
                    let fj = V16(repeating: f[j])
                    let row = mt + j &* vectors, g = gp + j &* vectors
                    for v in 0..<vectors {
                        acc = acc.addingProduct(z[v], row[v])
                        g[v] = g[v].addingProduct(z[v], fj)
                    }
                    direct.base[i &* d &+ j] = weight * horizontalSum(acc)
                }
            }
            lossSums.base[chunk] = lossSum
        }

        // G_k/n_k = (w/(φ_k n_k)) Σ_chunks partials.
        var prototypeGrad = [Float](repeating: 0, count: segments * d)
        for k in 0..<segments {
            let scale = Double(weight) / temperatures[k] / Double(segmentSizes[k])
            for j in 0..<d {
                var sum = 0.0
                for c in 0..<chunks { sum += Double(gPartial.base[(c * d + j) * vectors + k / 16][k % 16]) }
                prototypeGrad[k * d + j] = Float(sum * scale)
            }
        }
        // Every kept pixel once: g = direct part + r·G_s/n_s, then through the normalisation.
        var g = [Float](repeating: 0, count: d)
        for i in 0..<kept {
            let p = Int(pixelOf[i]), s = Int(segmentOf[i])
            let r = Float(drawn[p])
            let den = norms[p] + FeatureNormalization.epsilon
            var radial: Float = 0
            for j in 0..<d {
                g[j] = direct.base[i * d + j] + r * prototypeGrad[s * d + j]
                radial += g[j] * normalized[p * d + j]
            }
            // d f̂/dF = (I − f̂ f̂ᵀ ‖F‖/(‖F‖+ε)) / (‖F‖+ε); the detached norm keeps only I/(‖F‖+ε).
            let along = normGradient == .exact ? radial * norms[p] / den : 0
            let scale = gradientScale / den
            for j in 0..<d { gradient[j * n + p] += scale * (g[j] - along * normalized[p * d + j]) }
        }
        var loss = 0.0
        for c in 0..<chunks { loss += lossSums.base[c] }
        return loss / Double(segments)
    }
}
