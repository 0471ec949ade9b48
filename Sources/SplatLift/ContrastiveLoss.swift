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
    private let segmentPartials = ScratchBuffer<Float>(fill: 0)   // chunk × segments × width
    private let weightedPrototypes = ScratchBuffer<Float>(fill: 0) // segments × d: w·m_k

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

        // Distinct drawn pixels of S' segments, in pixel order.
        var keptCount = 0
        for p in 0..<n where drawn[p] > 0 && position[Int(labels[p])] >= 0 { keptCount += 1 }
        let kept = keptCount
        let pixelOf = self.pixelOf.reserve(kept), segmentOf = self.segmentOf.reserve(kept)
        var i = 0
        for p in 0..<n where drawn[p] > 0 {
            let s = position[Int(labels[p])]
            guard s >= 0 else { continue }
            pixelOf[i] = Int32(p)
            segmentOf[i] = s
            i += 1
        }
        let chunks = chunkCount(for: kept)
        let hat = SendablePointer(UnsafeMutablePointer(mutating: normalized))
        let pix = SendablePointer(pixelOf), seg = SendablePointer(segmentOf), rep = SendablePointer(drawn)

        // Prototypes μ_s (Σ r·f̂ / n_s) and temperatures φ_s.
        var mean = segmentSums(kept: kept, chunks: chunks, rows: segments, width: d, threads: threads) { i, rows in
            let p = Int(pix.base[i]), row = rows + Int(seg.base[i]) &* d, f = hat.base + p &* d
            addScaledRow(Float(rep.base[p]), f, into: row, count: d)
        }
        for s in 0..<segments {
            for j in 0..<d { mean[s * d + j] /= Double(segmentSizes[s]) }
        }
        let meanF = mean.map(Float.init)
        let spread = meanF.withUnsafeBufferPointer { mp in
            let mu = SendablePointer(UnsafeMutablePointer(mutating: mp.baseAddress!))
            return segmentSums(kept: kept, chunks: chunks, rows: segments, width: 1, threads: threads) { i, rows in
                let p = Int(pix.base[i]), s = Int(seg.base[i]), f = hat.base + p &* d, m = mu.base + s &* d
                rows[s] += Float(rep.base[p]) * squaredDistanceRow(f, m, count: d).squareRoot()
            }
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
        // w·m_k, the rows the direct gradient sums.
        let weightedRows = SendablePointer(self.weightedPrototypes.reserve(segments * d))
        for k in 0..<segments * d { weightedRows.base[k] = weight * scaledPrototypes[k] }

        // Parallel over kept pixels: loss, direct gradient w Σ_k c_uk m_k, per-chunk Σ c_uk f̂_u.
        let zs = SendablePointer(scratch.reserve(chunks * vectors))
        let gPartial = SendablePointer(prototypeGradient.reserve(chunks * d * vectors, zeroed: true))
        let direct = SendablePointer(directGradient.reserve(kept * d))
        let lossSums = SendablePointer(lossPartials.reserve(chunks))
        parallelChunks(chunks, threads: threads) { chunk in
            let z = zs.base + chunk &* vectors
            let zf = UnsafeMutableRawPointer(z).assumingMemoryBound(to: Float.self)
            let gp = gPartial.base + chunk &* d &* vectors
            var lossSum = 0.0
            for i in chunkRange(chunk, of: chunks, count: kept) {
                let p = Int(pix.base[i])
                let f = UnsafePointer(hat.base + p &* d)
                let r = Float(rep.base[p])
                kernel.linear(f, into: z)
                let own = Int(seg.base[i])
                let ownLogit = zf[own]
                var total = V16(repeating: 0)
                for v in 0..<vectors {
                    var e = vexp(z[v])
                    if v == vectors &- 1 { e = kernel.maskPadding(e) }
                    total += e
                    z[v] = e
                }
                let partition = horizontalSum(total) + 1e-6
                lossSum += Double(r) * Double(Foundation.log(partition) - ownLogit)
                // r·c_uk = r·(softmax − one-hot), in place of the exponentials.
                let scale = V16(repeating: r / partition)
                for v in 0..<vectors { z[v] *= scale }
                zf[own] -= r
                for j in 0..<d {
                    let fj = V16(repeating: f[j])
                    let g = gp + j &* vectors
                    for v in 0..<vectors { g[v] = g[v].addingProduct(z[v], fj) }
                }
                let out = direct.base + i &* d
                for j in 0..<d { out[j] = 0 }
                for k in 0..<segments { addScaledRow(zf[k], weightedRows.base + k &* d, into: out, count: d) }
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
        // Every kept pixel once: g = direct part + r·G_s/n_s, then through the normalisation, into
        // the planar gradient. In blocks of pixels, plane by plane: the d planes lie H·W floats
        // apart (often a multiple of 4 KiB) and writing all of them per pixel thrashed the cache.
        let exact = normGradient == .exact
        let out = SendablePointer(gradient)
        let nrm = SendablePointer(UnsafeMutablePointer(mutating: norms))
        prototypeGrad.withUnsafeBufferPointer { pg in
            let protoGrad = SendablePointer(UnsafeMutablePointer(mutating: pg.baseAddress!))
            parallelChunks(chunks, threads: threads) { chunk in
                let range = chunkRange(chunk, of: chunks, count: kept)
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start &+ pixelBlock, range.upperBound)
                    for i in start..<end {
                        let p = Int(pix.base[i]), s = Int(seg.base[i])
                        let r = Float(rep.base[p])
                        let row = direct.base + i &* d, f = hat.base + p &* d, gs = protoGrad.base + s &* d
                        addScaledRow(r, gs, into: row, count: d)
                        let radial = dotRow(row, f, count: d)
                        // d f̂/dF = (I − f̂ f̂ᵀ ‖F‖/(‖F‖+ε)) / (‖F‖+ε); the detached norm keeps only I/(‖F‖+ε).
                        let den = nrm.base[p] + FeatureNormalization.epsilon
                        let along = exact ? radial * nrm.base[p] / den : 0
                        let scale = gradientScale / den
                        scaleRowMinusScaled(scale, along, f, row, count: d)
                    }
                    for j in 0..<d {
                        let plane = out.base + j &* n
                        for i in start..<end { plane[Int(pix.base[i])] += direct.base[i &* d &+ j] }
                    }
                    start = end
                }
            }
        }
        var loss = 0.0
        for c in 0..<chunks { loss += lossSums.base[c] }
        return loss / Double(segments)
    }

    /// Per-segment sums over the kept pixels: `add(i, rows)` adds kept pixel i's `width` values
    /// into its segment's row of `rows` (segments × width Floats). Fixed chunks each sum in Float,
    /// then the chunks are added in order in Double, so the result does not depend on the threads.
    @inline(__always)
    private func segmentSums(kept: Int, chunks: Int, rows: Int, width: Int, threads: Int,
                             _ add: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
        let partials = SendablePointer(segmentPartials.reserve(chunks * rows * width, zeroed: true))
        parallelChunks(chunks, threads: threads) { chunk in
            let own = partials.base + chunk &* rows &* width
            for i in chunkRange(chunk, of: chunks, count: kept) { add(i, own) }
        }
        var sums = [Double](repeating: 0, count: rows * width)
        for c in 0..<chunks {
            let own = partials.base + c * rows * width
            for k in 0..<rows * width { sums[k] += Double(own[k]) }
        }
        return sums
    }
}
