import Foundation
import SplatMath

/// The per-pixel confidence used to filter noisy labels (METHOD.md §1.3(b)), on all pixels, no gradient:
///
///     conf_u = exp(f̂_u·μ_{S_u}/φ_{S_u}) / (Σ_k exp(f̂_u·μ_k/φ_k) + 1e-6)
///
/// with μ_s the mean unit feature of every label present and φ_s = clip(0.1·raw_φ_s, 0.1, 1),
/// raw_φ_s = Σ_{u∈s}‖f̂_u − μ_s‖/(n_s·ln(n_s+10)) (always 0.1 for unit features). A pixel is kept
/// (Ω) when conf_u > threshold = 1 − τ.
final class ConfidenceMap {
    private let transposed = ScratchBuffer<V16>(fill: .zero)
    private let exponentials = ScratchBuffer<V16>(fill: .zero)
    private let keptPartials = ScratchBuffer<Int>(fill: 0)

    /// Writes conf_u into `confidence` and 1/0 into `keep`; returns |Ω|.
    func compute(normalized: UnsafePointer<Float>, pixelCount: Int, featureCount d: Int,
                 labels: UnsafePointer<UInt16>, labelCount: Int, threshold: Float,
                 confidence: UnsafeMutablePointer<Float>, keep: UnsafeMutablePointer<UInt8>, threads: Int = 0) -> Int {
        // Prototypes and temperatures over all pixels (Double sums, sequential: O(H·W·d)).
        var mean = [Double](repeating: 0, count: labelCount * d)
        var areas = [Int](repeating: 0, count: labelCount)
        for u in 0..<pixelCount {
            let l = Int(labels[u])
            areas[l] += 1
            for j in 0..<d { mean[l * d + j] += Double(normalized[u * d + j]) }
        }
        for l in 0..<labelCount where areas[l] > 0 {
            for j in 0..<d { mean[l * d + j] /= Double(areas[l]) }
        }
        var spread = [Double](repeating: 0, count: labelCount)
        for u in 0..<pixelCount {
            let l = Int(labels[u])
            var sq = 0.0
            for j in 0..<d {
                let diff = Double(normalized[u * d + j]) - mean[l * d + j]
                sq += diff * diff
            }
            spread[l] += sq.squareRoot()
        }
        // Scaled prototypes μ_s/φ_s; every compact label has at least one pixel.
        var scaled = [Float](repeating: 0, count: labelCount * d)
        for l in 0..<labelCount where areas[l] > 0 {
            let n = Double(areas[l])
            let phi = min(max(0.1 * spread[l] / (n * Foundation.log(n + 10)), 0.1), 1.0)
            for j in 0..<d { scaled[l * d + j] = Float(mean[l * d + j] / phi) }
        }
        let kernel = CodebookKernel(codebook: scaled, entries: labelCount, featureCount: d, storage: transposed)
        let vectors = kernel.vectors

        let chunks = chunkCount(for: pixelCount)
        let expScratch = SendablePointer(exponentials.reserve(chunks * vectors))
        let keptCounts = SendablePointer(keptPartials.reserve(chunks))
        let hatP = SendablePointer(UnsafeMutablePointer(mutating: normalized))
        let labelP = SendablePointer(UnsafeMutablePointer(mutating: labels))
        let confP = SendablePointer(confidence), keepP = SendablePointer(keep)
        parallelChunks(chunks, threads: threads) { chunk in
            let e = expScratch.base + chunk &* vectors
            var kept = 0
            for u in chunkRange(chunk, of: chunks, count: pixelCount) {
                kernel.linear(hatP.base + u &* d, into: e)
                var total = V16(repeating: 0)
                for v in 0..<vectors {
                    var ev = vexp(e[v])
                    if v == vectors &- 1 { ev = kernel.maskPadding(ev) }
                    e[v] = ev
                    total += ev
                }
                let own = Int(labelP.base[u])
                let conf = e[own / 16][own % 16] / (horizontalSum(total) + 1e-6)
                confP.base[u] = conf
                let keepIt = conf > threshold
                keepP.base[u] = keepIt ? 1 : 0
                if keepIt { kept &+= 1 }
            }
            keptCounts.base[chunk] = kept
        }
        var kept = 0
        for c in 0..<chunks { kept += keptCounts.base[c] }
        return kept
    }
}
