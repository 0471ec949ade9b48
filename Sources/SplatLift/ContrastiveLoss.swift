import Foundation
import SplatMath

/// Eq. 1, the prototype contrastive loss on rendered features (METHOD.md §1.3(a), [OMNI] without the
/// hierarchical part):
///
///     L = (1/|S'|) Σ_{s∈S'} Σ_{u∈s} −log[ exp(f̂_u·μ_s/φ_s) / (Σ_{k∈S'} exp(f̂_u·μ_k/φ_k) + 1e-6) ]
///
/// over B pixels drawn with replacement; S' = labels with more than `minSegmentSamples` samples;
/// f̂ = F/(‖F‖+1e-6) with the norm detached; μ_s = mean of f̂ over s (not detached);
/// φ_s = clip(10·Σ‖f̂_u − μ_s‖/(n_s·ln(n_s+10)), 0.5, 1), detached.
///
/// Gradient (m_k = μ_k/φ_k, c_{uk} = softmax_k − [k = s_u], w = 1/|S'|):
///     dL/df̂_u = w Σ_k c_{uk} m_k + G_{s_u}/n_{s_u},   G_k = (w/φ_k) Σ_u c_{uk} f̂_u,
///     dL/dF_u = dL/df̂_u / (‖F_u‖ + 1e-6), summed over repeated draws of the same pixel.
final class ContrastiveLoss {
    private let hat = ScratchBuffer<Float>(fill: 0)          // kept samples × d, unit features
    private let pixelOf = ScratchBuffer<Int32>(fill: 0)      // kept sample → pixel
    private let segmentOf = ScratchBuffer<Int32>(fill: 0)    // kept sample → position in S'
    private let sampleGradient = ScratchBuffer<Float>(fill: 0)
    private let logits = ScratchBuffer<V16>(fill: .zero)     // chunk × vectors
    private let prototypeGradient = ScratchBuffer<V16>(fill: .zero)   // chunk × d × vectors
    private let transposed = ScratchBuffer<V16>(fill: .zero) // d × vectors: m_k = μ_k/φ_k
    private let lossPartials = ScratchBuffer<Double>(fill: 0)

    /// Counts, prototypes and temperatures of the last evaluation (for tests and logging).
    private(set) var segmentLabels: [Int] = []
    private(set) var temperatures: [Double] = []

    /// Draws `count` pixel indices uniformly with replacement from 0..<pixelCount.
    static func drawSamples(_ samples: inout [Int32], count: Int, pixelCount: Int, rng: inout SplatRandom) {
        if samples.count != count { samples = [Int32](repeating: 0, count: count) }
        for b in 0..<count { samples[b] = Int32(rng.int(below: pixelCount)) }
    }

    /// Returns L_contra and adds `gradientScale`·dL/dF into the planar `gradient` (d·H·W).
    /// `normalized`/`norms` come from `FeatureNormalization`; `labels` is the compact label index.
    func evaluate(normalized: UnsafePointer<Float>, norms: UnsafePointer<Float>, pixelCount: Int, featureCount d: Int,
                  labels: UnsafePointer<UInt16>, labelCount: Int, samples: UnsafeBufferPointer<Int32>,
                  minSegmentSamples: Int, gradientScale: Float, gradient: UnsafeMutablePointer<Float>) -> Double {
        // Segments S': labels drawn more than minSegmentSamples times, in label order.
        var counts = [Int](repeating: 0, count: labelCount)
        for p in samples { counts[Int(labels[Int(p)])] += 1 }
        var position = [Int32](repeating: -1, count: labelCount)
        var segmentSizes = [Int]()
        segmentLabels = []
        for l in 0..<labelCount where counts[l] > minSegmentSamples {
            position[l] = Int32(segmentSizes.count)
            segmentSizes.append(counts[l])
            segmentLabels.append(l)
        }
        let segments = segmentSizes.count
        temperatures = []
        guard segments > 0 else { return 0 }

        // Kept samples, their unit features, and the prototypes μ_s (Double sums).
        let kept = samples.reduce(0) { $0 + (position[Int(labels[Int($1)])] >= 0 ? 1 : 0) }
        let hat = self.hat.reserve(kept * d), pixelOf = self.pixelOf.reserve(kept)
        let segmentOf = self.segmentOf.reserve(kept)
        var mean = [Double](repeating: 0, count: segments * d)
        var i = 0
        for p in samples {
            let s = position[Int(labels[Int(p)])]
            guard s >= 0 else { continue }
            pixelOf[i] = p
            segmentOf[i] = s
            for j in 0..<d {
                let x = normalized[Int(p) * d + j]
                hat[i * d + j] = x
                mean[Int(s) * d + j] += Double(x)
            }
            i += 1
        }
        for s in 0..<segments {
            for j in 0..<d { mean[s * d + j] /= Double(segmentSizes[s]) }
        }
        // φ_s (detached).
        var spread = [Double](repeating: 0, count: segments)
        for i in 0..<kept {
            let s = Int(segmentOf[i])
            var sq = 0.0
            for j in 0..<d {
                let diff = Double(hat[i * d + j]) - mean[s * d + j]
                sq += diff * diff
            }
            spread[s] += sq.squareRoot()
        }
        for s in 0..<segments {
            let n = Double(segmentSizes[s])
            temperatures.append(min(max(10 * spread[s] / (n * Foundation.log(n + 10)), 0.5), 1.0))
        }

        // m_k = μ_k/φ_k, transposed to d × vectors, padding lanes 0.
        let vectors = (segments + 15) / 16
        let mt = transposed.reserve(d * vectors, zeroed: true)
        for k in 0..<segments {
            for j in 0..<d { mt[j * vectors + k / 16][k % 16] = Float(mean[k * d + j] / temperatures[k]) }
        }
        let lastMask = laneMask(valid: segments - (vectors - 1) * 16)
        let weight = Float(1.0 / Double(segments))

        // Parallel over kept samples: per-sample loss and direct gradient, per-chunk Σ c_uk f̂_u.
        let chunks = chunkCount(for: kept)
        let logitScratch = SendablePointer(logits.reserve(chunks * vectors))
        let gPartial = SendablePointer(prototypeGradient.reserve(chunks * d * vectors, zeroed: true))
        let sampleGrad = SendablePointer(sampleGradient.reserve(kept * d))
        let lossSums = SendablePointer(lossPartials.reserve(chunks))
        let hatP = SendablePointer(hat), segP = SendablePointer(segmentOf), mtP = SendablePointer(mt)
        parallelChunks(chunks) { chunk in
            let z = logitScratch.base + chunk * vectors
            let gp = gPartial.base + chunk * d * vectors
            let mt = mtP.base
            var lossSum = 0.0
            for i in chunkRange(chunk, of: chunks, count: kept) {
                let f = hatP.base + i * d
                var total = V16(repeating: 0)
                for v in 0..<vectors {
                    var acc = V16(repeating: 0)
                    for j in 0..<d { acc += V16(repeating: f[j]) * mt[j * vectors + v] }
                    var e = vexp(acc)
                    if v == vectors - 1 { e *= lastMask }
                    z[v] = e
                    total += e
                }
                let partition = horizontalSum(total) + 1e-6
                let own = Int(segP.base[i])
                var ownLogit: Float = 0
                for j in 0..<d { ownLogit += f[j] * mt[j * vectors + own / 16][own % 16] }
                lossSum += Double(Foundation.log(partition) - ownLogit)
                // c_uk = softmax − one-hot, in place of the exponentials.
                let inv = V16(repeating: 1 / partition)
                for v in 0..<vectors { z[v] *= inv }
                z[own / 16][own % 16] -= 1
                for j in 0..<d {
                    var acc = V16(repeating: 0)
                    let fj = V16(repeating: f[j])
                    for v in 0..<vectors {
                        acc += z[v] * mt[j * vectors + v]
                        gp[j * vectors + v] += z[v] * fj
                    }
                    sampleGrad.base[i * d + j] = weight * horizontalSum(acc)
                }
            }
            lossSums.base[chunk] = lossSum
        }

        // G_k = (w/φ_k) Σ_chunks partials, then the prototype path and the detached norm.
        var prototypeGrad = [Float](repeating: 0, count: segments * d)
        for k in 0..<segments {
            let scale = Double(weight) / temperatures[k] / Double(segmentSizes[k])
            for j in 0..<d {
                var sum = 0.0
                for c in 0..<chunks { sum += Double(gPartial.base[(c * d + j) * vectors + k / 16][k % 16]) }
                prototypeGrad[k * d + j] = Float(sum * scale)
            }
        }
        for i in 0..<kept {
            let p = Int(pixelOf[i]), s = Int(segmentOf[i])
            let scale = gradientScale / (norms[p] + FeatureNormalization.epsilon)
            for j in 0..<d {
                gradient[j * pixelCount + p] += scale * (sampleGrad.base[i * d + j] + prototypeGrad[s * d + j])
            }
        }
        var loss = 0.0
        for c in 0..<chunks { loss += lossSums.base[c] }
        return loss / Double(segments)
    }
}
