import SplatMath
import SplatRaster

/// How much each Gaussian draws on the pixels of each label of a view:
/// W_i(k) = Σ_p wᵢ(p)·[label(p) = k], with wᵢ(p) its blending weight at pixel p. That sum is the
/// feature gradient of a render whose upstream feature planes are the one-hot label planes, so the
/// rasterizer's backward computes it, `featureCount` labels per pass.
enum LabelWeights {
    /// Renders `camera` with features, takes the label of every pixel from `labels(render)` (row-major
    /// W·H; negative = none) and hands `body` each label present with its weights W_·(k), indexed by
    /// Gaussian (the buffer is reused between calls).
    static func forEachLabel(_ gaussians: GaussianParams, camera: PinholeCamera, backend: RasterBackend, threads: Int,
                             labels: (RenderOutput) throws -> [Int32],
                             body: (Int32, UnsafeBufferPointer<Float>) throws -> Void) throws {
        let n = gaussians.count, d = gaussians.featureCount
        let output = backend.render(gaussians, camera: camera, options: .identityFeatures(threads: threads))
        let pixels = output.width * output.height
        let labelOfPixel = try labels(output)
        guard labelOfPixel.count == pixels else {
            throw SplatError("\(labelOfPixel.count) labels for a \(output.width)x\(output.height) view")
        }
        let present = Set(labelOfPixel).filter { $0 >= 0 }.sorted()
        var gradients = GaussianGradients(count: n, featureCount: d)
        var column = [Float](repeating: 0, count: n)
        for start in stride(from: 0, to: present.count, by: d) {
            let batch = Array(present[start..<min(start + d, present.count)])
            let channelOf = Dictionary(uniqueKeysWithValues: batch.enumerated().map { ($1, $0) })
            var planes = [Float](repeating: 0, count: d * pixels)
            for p in 0..<pixels { if let c = channelOf[labelOfPixel[p]] { planes[c * pixels + p] = 1 } }
            backend.backward(gaussians, upstream: RenderUpstream(features: planes))
            backend.gradients(gaussians, rows: 0..<n, into: &gradients)
            for (c, label) in batch.enumerated() {
                for i in 0..<n { column[i] = gradients.features[i * d + c] }
                try column.withUnsafeBufferPointer { try body(label, $0) }
            }
        }
    }
}
