import SplatMath

/// Inference with a trained codebook (METHOD.md §2): identities are argmax_k C·f on the unnormalised
/// feature, per rendered pixel or per Gaussian; soft masks threshold softmax(C·F_u).
public enum LiftInference {
    /// Per-pixel ids of a rendered planar d·H·W feature map: argmax_k C[k]·F_u (first maximum on ties).
    public static func pixelIDs(features: [Float], pixelCount: Int, codebook: Codebook) throws -> [Int32] {
        try checkPlanar(features, pixelCount: pixelCount, codebook: codebook)
        var ids = [Int32](repeating: 0, count: pixelCount)
        forEachFeature(features, count: pixelCount, planar: true, codebook: codebook) { u, _, _, argmax in
            ids[u] = argmax
        }
        return ids
    }

    /// Per-Gaussian ids: argmax_k C[k]·f_i on the raw features (`GaussianParams.features`, i-major).
    public static func gaussianIDs(_ gaussians: GaussianParams, codebook: Codebook) throws -> [Int32] {
        guard gaussians.featureCount == codebook.featureCount,
              gaussians.features.count == gaussians.count * gaussians.featureCount else {
            throw SplatError("Gaussians carry \(gaussians.featureCount) feature channels, the codebook has \(codebook.featureCount)")
        }
        var ids = [Int32](repeating: 0, count: gaussians.count)
        forEachFeature(gaussians.features, count: gaussians.count, planar: false, codebook: codebook) { i, _, _, argmax in
            ids[i] = argmax
        }
        return ids
    }

    /// softmax(C·F_u) for every pixel of a planar d·H·W map, returned planar L·H·W (entry k's
    /// plane at k·H·W).
    public static func probabilities(features: [Float], pixelCount: Int, codebook: Codebook) throws -> [Float] {
        try checkPlanar(features, pixelCount: pixelCount, codebook: codebook)
        var out = [Float](repeating: 0, count: codebook.entryCount * pixelCount)
        let entries = codebook.entryCount
        forEachFeature(features, count: pixelCount, planar: true, codebook: codebook) { u, kernel, p, _ in
            for k in 0..<entries { out[k * pixelCount + u] = kernel.value(p, k) }
        }
        return out
    }

    /// The soft mask of a set of ids: pixel u is in it when softmax(C·F_u)[k] > `threshold` for some
    /// k in `ids` (METHOD.md §2 and §4.1: threshold 0.2). Ids outside the codebook are ignored.
    public static func softMask(features: [Float], pixelCount: Int, codebook: Codebook, ids: Set<Int>,
                                threshold: Float = 0.2) throws -> [Bool] {
        try checkPlanar(features, pixelCount: pixelCount, codebook: codebook)
        let selected = ids.filter { $0 >= 0 && $0 < codebook.entryCount }.sorted()
        var mask = [Bool](repeating: false, count: pixelCount)
        forEachFeature(features, count: pixelCount, planar: true, codebook: codebook) { u, kernel, p, _ in
            mask[u] = selected.contains { kernel.value(p, $0) > threshold }
        }
        return mask
    }

    private static func checkPlanar(_ features: [Float], pixelCount: Int, codebook: Codebook) throws {
        guard pixelCount >= 0, features.count == pixelCount * codebook.featureCount else {
            throw SplatError("feature map holds \(features.count) values, \(codebook.featureCount)x\(pixelCount) expected")
        }
    }

    /// Calls `body(index, kernel, probabilities, argmax)` for every feature vector, in order.
    private static func forEachFeature(_ features: [Float], count: Int, planar: Bool, codebook: Codebook,
                                       _ body: (Int, CodebookKernel, UnsafePointer<V16>, Int32) -> Void) {
        let d = codebook.featureCount
        let storage = ScratchBuffer<V16>(fill: .zero)
        let kernel = CodebookKernel(codebook: codebook.values, entries: codebook.entryCount, featureCount: d,
                                    storage: storage)
        let z = UnsafeMutablePointer<V16>.allocate(capacity: kernel.vectors)
        let f = UnsafeMutablePointer<Float>.allocate(capacity: d)
        defer { z.deallocate(); f.deallocate() }
        features.withUnsafeBufferPointer { src in
            for i in 0..<count {
                for j in 0..<d { f[j] = planar ? src[j * count + i] : src[i * d + j] }
                let (maxValue, argmax) = kernel.logits(f, into: z)
                _ = kernel.softmax(z, max: maxValue)
                body(i, kernel, z, argmax)
            }
        }
        withExtendedLifetime(storage) {}
    }
}
