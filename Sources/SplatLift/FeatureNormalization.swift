import Foundation

/// f̂_u = F_u / (‖F_u‖ + 1e-6) for every pixel (METHOD.md §1.3(a).2, (b).1), shared by all the
/// feature losses of a step.
enum FeatureNormalization {
    static let epsilon: Float = 1e-6

    /// Reads the planar d·H·W map and writes the pixel-major (H·W × d) unit features and the norms.
    static func normalize(features: UnsafePointer<Float>, pixelCount: Int, featureCount d: Int,
                          normalized: UnsafeMutablePointer<Float>, norms: UnsafeMutablePointer<Float>) {
        let src = SendablePointer(UnsafeMutablePointer(mutating: features))
        let out = SendablePointer(normalized), nrm = SendablePointer(norms)
        let chunks = chunkCount(for: pixelCount)
        parallelChunks(chunks) { chunk in
            for u in chunkRange(chunk, of: chunks, count: pixelCount) {
                var sq: Float = 0
                for j in 0..<d {
                    let x = src.base[j * pixelCount + u]
                    sq += x * x
                }
                let n = sq.squareRoot()
                nrm.base[u] = n
                let inv = 1 / (n + epsilon)
                for j in 0..<d { out.base[u * d + j] = src.base[j * pixelCount + u] * inv }
            }
        }
    }
}

/// L_reg = mean_u (‖F_u‖ − 1)² over all H·W pixels (METHOD.md §1.3(a).7).
enum NormRegularizer {
    /// Returns L_reg and adds `gradientScale`·dL_reg/dF into the planar `gradient`.
    /// dL/dF_u = 2(‖F_u‖ − 1)/(H·W) · F_u/‖F_u‖ (0 at F_u = 0).
    static func evaluate(features: UnsafePointer<Float>, norms: UnsafePointer<Float>, pixelCount: Int,
                         featureCount d: Int, gradientScale: Float, gradient: UnsafeMutablePointer<Float>,
                         partials: ScratchBuffer<Double>) -> Double {
        let chunks = chunkCount(for: pixelCount)
        let sums = SendablePointer(partials.reserve(chunks))
        let src = SendablePointer(UnsafeMutablePointer(mutating: features))
        let nrm = SendablePointer(UnsafeMutablePointer(mutating: norms))
        let grad = SendablePointer(gradient)
        let scale = gradientScale * 2 / Float(pixelCount)
        parallelChunks(chunks) { chunk in
            var sum = 0.0
            for u in chunkRange(chunk, of: chunks, count: pixelCount) {
                let n = nrm.base[u]
                let r = n - 1
                sum += Double(r * r)
                guard n > 0 else { continue }
                let g = scale * r / n
                for j in 0..<d { grad.base[j * pixelCount + u] += g * src.base[j * pixelCount + u] }
            }
            sums.base[chunk] = sum
        }
        var total = 0.0
        for c in 0..<chunks { total += sums.base[c] }
        return total / Double(pixelCount)
    }
}
