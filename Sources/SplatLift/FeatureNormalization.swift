import Foundation
import SplatMath

/// f̂_u = F_u / (‖F_u‖ + 1e-6) for every pixel (METHOD.md §1.3(a).2, (b).1), shared by all the
/// feature losses of a step.
enum FeatureNormalization {
    static let epsilon: Float = 1e-6

    /// Reads the planar d·H·W map and writes the pixel-major (H·W × d) unit features and the norms,
    /// and when given a pixel-major copy of the map itself (`pixelMajor`).
    /// Pixels go in blocks, plane by plane: the d planes lie H·W floats apart, and stepping through
    /// all of them for every pixel made their cache lines evict each other.
    static func normalize(features: UnsafePointer<Float>, pixelCount: Int, featureCount d: Int,
                          pixelMajor: UnsafeMutablePointer<Float>? = nil, normalized: UnsafeMutablePointer<Float>,
                          norms: UnsafeMutablePointer<Float>, threads: Int = 0) {
        let src = SendablePointer(UnsafeMutablePointer(mutating: features))
        let raw = pixelMajor.map(SendablePointer.init), out = SendablePointer(normalized), nrm = SendablePointer(norms)
        let chunks = chunkCount(for: pixelCount)
        parallelChunks(chunks, threads: threads) { chunk in
            forEachPixelBlock(chunkRange(chunk, of: chunks, count: pixelCount)) { start, count, scratch in
                for i in 0..<count { scratch[i] = 0 }
                for j in 0..<d {
                    let plane = src.base + (j &* pixelCount &+ start)
                    for i in 0..<count { scratch[i] += plane[i] * plane[i] }
                }
                for i in 0..<count {
                    let n = scratch[i].squareRoot()
                    nrm.base[start &+ i] = n
                    scratch[i] = 1 / (n + epsilon)
                }
                for j in 0..<d {
                    let plane = src.base + (j &* pixelCount &+ start)
                    let row = out.base + (start &* d &+ j)
                    for i in 0..<count { row[i &* d] = plane[i] * scratch[i] }
                    if let raw {
                        let copy = raw.base + (start &* d &+ j)
                        for i in 0..<count { copy[i &* d] = plane[i] }
                    }
                }
            }
        }
    }
}

/// Runs `body(start, count, scratch)` over `range` in blocks of at most `pixelBlock` pixels, with a
/// scratch of `pixelBlock` floats.
@inline(__always)
func forEachPixelBlock(_ range: Range<Int>, _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: pixelBlock) { scratch in
        guard let base = scratch.baseAddress else { return }
        var start = range.lowerBound
        while start < range.upperBound {
            let count = min(pixelBlock, range.upperBound - start)
            body(start, count, base)
            start += count
        }
    }
}

/// Pixels per block when a loop walks the d planes of a feature map.
let pixelBlock = 64

/// L_reg = mean_u (‖F_u‖ − 1)² over all H·W pixels (METHOD.md §1.3(a).7).
enum NormRegularizer {
    /// Returns L_reg and adds `gradientScale`·dL_reg/dF into the planar `gradient`.
    /// dL/dF_u = 2(‖F_u‖ − 1)/(H·W) · F_u/‖F_u‖ (0 at F_u = 0).
    static func evaluate(features: UnsafePointer<Float>, norms: UnsafePointer<Float>, pixelCount: Int,
                         featureCount d: Int, gradientScale: Float, gradient: UnsafeMutablePointer<Float>,
                         partials: ScratchBuffer<Double>, threads: Int = 0) -> Double {
        let chunks = chunkCount(for: pixelCount)
        let sums = SendablePointer(partials.reserve(chunks))
        let src = SendablePointer(UnsafeMutablePointer(mutating: features))
        let nrm = SendablePointer(UnsafeMutablePointer(mutating: norms))
        let grad = SendablePointer(gradient)
        let scale = gradientScale * 2 / Float(pixelCount)
        parallelChunks(chunks, threads: threads) { chunk in
            var sum = 0.0
            forEachPixelBlock(chunkRange(chunk, of: chunks, count: pixelCount)) { start, count, g in
                for i in 0..<count {
                    let n = nrm.base[start &+ i]
                    let r = n - 1
                    sum += Double(r * r)
                    g[i] = n > 0 ? scale * r / n : 0
                }
                for j in 0..<d {
                    let plane = src.base + (j &* pixelCount &+ start)
                    let out = grad.base + (j &* pixelCount &+ start)
                    for i in 0..<count { out[i] += g[i] * plane[i] }
                }
            }
            sums.base[chunk] = sum
        }
        var total = 0.0
        for c in 0..<chunks { total += sums.base[c] }
        return total / Double(pixelCount)
    }
}
