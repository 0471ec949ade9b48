import Foundation
import SplatMath

/// The one heavy pass over all pixels of a view (METHOD.md §1.3(c)): logits z_u = C·F_u (F detached,
/// unnormalised), P_u = softmax(z_u), and everything the mapping and the association losses need
/// that does not depend on the pseudo labels:
/// - `probabilitySums[l][k] = Σ_{u: label u = l} P_u[k]` for the first `rows` labels (all pixels);
/// - `argmax[u]` (first maximal entry) and `logSumExp[u]`;
/// - `outer[j][k] = Σ_{u∈Ω} F_u[j]·P_u[k]`, the softmax part of dCE/dC;
/// - optionally `expectation[u][j] = Σ_k P_u[k] C[k][j]` on Ω, the softmax part of dCE/dF_u.
/// Entries are vectorised 16 per SIMD lane group; pixels run in fixed chunks with per-chunk partial
/// sums reduced in chunk order, so the results do not depend on the thread count.
final class CodebookLogitsPass {
    private let transposedCodebook = ScratchBuffer<V16>(fill: .zero)   // d × vectors
    private let logitScratch = ScratchBuffer<V16>(fill: .zero)         // chunk × 16 × vectors
    private let costPartials = ScratchBuffer<V16>(fill: .zero)         // chunk × rows × vectors
    private let outerPartials = ScratchBuffer<V16>(fill: .zero)        // chunk × d × vectors
    let argmaxBuffer = ScratchBuffer<Int32>(fill: 0)
    let logSumExpBuffer = ScratchBuffer<Float>(fill: 0)
    let expectationBuffer = ScratchBuffer<Float>(fill: 0)

    private(set) var probabilitySums: [Double] = []
    private(set) var outer: [Double] = []

    /// Runs the pass. `codebook` is L×d row-major; `features` pixel-major H·W × d; `keep` the Ω mask.
    func run(features: UnsafePointer<Float>, pixelCount: Int, featureCount d: Int, codebook: [Float], entries: Int,
             labels: UnsafePointer<UInt16>, rows: Int, keep: UnsafePointer<UInt8>, wantExpectation: Bool,
             threads: Int = 0) {
        let kernel = CodebookKernel(codebook: codebook, entries: entries, featureCount: d, storage: transposedCodebook)
        let vectors = kernel.vectors

        let chunks = chunkCount(for: pixelCount)
        let blockSize = 16
        let zb = SendablePointer(logitScratch.reserve(chunks * blockSize * vectors))
        let kp = SendablePointer(costPartials.reserve(chunks * rows * vectors, zeroed: true))
        let ap = SendablePointer(outerPartials.reserve(chunks * d * vectors, zeroed: true))
        let argmax = SendablePointer(argmaxBuffer.reserve(pixelCount))
        let lse = SendablePointer(logSumExpBuffer.reserve(pixelCount))
        let expectation = SendablePointer(expectationBuffer.reserve(wantExpectation ? pixelCount * d : 1))
        let src = SendablePointer(UnsafeMutablePointer(mutating: features))
        let labelP = SendablePointer(UnsafeMutablePointer(mutating: labels))
        let keepP = SendablePointer(UnsafeMutablePointer(mutating: keep))

        parallelChunks(chunks, threads: threads) { chunk in
            let mt = UnsafePointer(kernel.transposed)
            let zb = zb.base + chunk &* blockSize &* vectors
            let kp = kp.base + chunk &* rows &* vectors
            let ap = ap.base + chunk &* d &* vectors
            let range = chunkRange(chunk, of: chunks, count: pixelCount)
            var start = range.lowerBound
            while start < range.upperBound {
                let count = min(blockSize, range.upperBound &- start)
                // Logits of the block's pixels: Z = F·Cᵀ.
                zb.update(repeating: .zero, count: count &* vectors)
                accumulateProducts(rows: count, depth: d, vectors: vectors, a: src.base + start &* d, aRow: d, aDepth: 1,
                                   b: mt, bDepth: vectors, out: zb, outRow: vectors)
                var anyKept = false
                for i in 0..<count {
                    let u = start &+ i, z = zb + i &* vectors
                    let (maxValue, maxIndex) = kernel.maxAndArgmax(z)
                    argmax.base[u] = maxIndex
                    lse.base[u] = kernel.softmax(z, max: maxValue)
                    // Cost accumulation over all pixels of the mapped labels.
                    let l = Int(labelP.base[u])
                    if l < rows {
                        let row = kp + l &* vectors
                        for v in 0..<vectors { row[v] += z[v] }
                    }
                    guard keepP.base[u] != 0 else {
                        // Outside Ω: a zero row adds exact zeros to the outer products below.
                        z.update(repeating: .zero, count: vectors)
                        continue
                    }
                    if wantExpectation {
                        for j in 0..<d {
                            var acc = V16(repeating: 0)
                            for v in 0..<vectors { acc = acc.addingProduct(z[v], mt[j &* vectors &+ v]) }
                            expectation.base[u &* d &+ j] = horizontalSum(acc)
                        }
                    }
                    anyKept = true
                }
                // Σ_{u∈Ω in block} F_u ⊗ P_u into the chunk's partial (j-major rows of entry vectors),
                // straight from the block's features and probabilities.
                if anyKept {
                    accumulateProducts(rows: d, depth: count, vectors: vectors, a: src.base + start &* d, aRow: 1, aDepth: d,
                                       b: zb, bDepth: vectors, out: ap, outRow: vectors)
                }
                start &+= count
            }
        }

        // Fixed-order reductions.
        probabilitySums = [Double](repeating: 0, count: rows * entries)
        for c in 0..<chunks {
            let kpc = kp.base + c * rows * vectors
            for l in 0..<rows {
                for k in 0..<entries { probabilitySums[l * entries + k] += Double(kpc[l * vectors + k / 16][k % 16]) }
            }
        }
        outer = [Double](repeating: 0, count: d * entries)
        for c in 0..<chunks {
            let apc = ap.base + c * d * vectors
            for j in 0..<d {
                for k in 0..<entries { outer[j * entries + k] += Double(apc[j * vectors + k / 16][k % 16]) }
            }
        }
    }
}
