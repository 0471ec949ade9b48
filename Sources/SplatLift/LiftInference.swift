import SplatMath

/// Inference with a trained codebook (METHOD.md §2): identities are argmax_k C·f on the unnormalised
/// feature, per rendered pixel or per Gaussian; soft masks threshold softmax(C·F_u). Work runs in
/// parallel over fixed chunks; every output element depends on its own feature only.
public enum LiftInference {
    /// Per-pixel ids of a rendered planar d·H·W feature map: argmax_k C[k]·F_u (first maximum on ties).
    public static func pixelIDs(features: [Float], pixelCount: Int, codebook: Codebook, threads: Int = 0) throws -> [Int32] {
        try checkPlanar(features, pixelCount: pixelCount, codebook: codebook)
        var ids = [Int32](repeating: 0, count: pixelCount)
        ids.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let ids = SendablePointer(base)
            forEachFeature(features, count: pixelCount, planar: true, codebook: codebook, softmax: false, threads: threads) { i, _, _, argmax in
                ids.base[i] = argmax
            }
        }
        return ids
    }

    /// Per-Gaussian ids: argmax_k C[k]·f_i on the raw features (`GaussianParams.features`, i-major).
    public static func gaussianIDs(_ gaussians: GaussianParams, codebook: Codebook, threads: Int = 0) throws -> [Int32] {
        guard gaussians.featureCount == codebook.featureCount,
              gaussians.features.count == gaussians.count * gaussians.featureCount else {
            throw SplatError("Gaussians carry \(gaussians.featureCount) feature channels, the codebook has \(codebook.featureCount)")
        }
        var ids = [Int32](repeating: 0, count: gaussians.count)
        ids.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let ids = SendablePointer(base)
            forEachFeature(gaussians.features, count: gaussians.count, planar: false, codebook: codebook,
                           softmax: false, threads: threads) { i, _, _, argmax in
                ids.base[i] = argmax
            }
        }
        return ids
    }

    /// Object ids of a rendered feature map from the features alone: the argmax over the entries
    /// that objects own, mapped to their object (0 where a pixel's best entry belongs to none).
    /// A diagnostic next to the rendered ids (`ObjectIDRendering`), which every command uses.
    public static func pixelIDs(features: [Float], pixelCount: Int, codebook: Codebook, table: ObjectTable,
                                threads: Int = 0) throws -> [Int32] {
        let objectOfEntry = table.objectOfEntry
        let rows = objectOfEntry.indices.filter { objectOfEntry[$0] > 0 }
        guard !rows.isEmpty else { return [Int32](repeating: 0, count: pixelCount) }
        let active = try Codebook(entryCount: rows.count, featureCount: codebook.featureCount,
                                  values: rows.flatMap { codebook.entry($0) })
        return try pixelIDs(features: features, pixelCount: pixelCount, codebook: active, threads: threads).map { objectOfEntry[rows[Int($0)]] }
    }

    /// softmax(C·F_u) for every pixel of a planar d·H·W map, returned planar L·H·W (entry k's
    /// plane at k·H·W).
    public static func probabilities(features: [Float], pixelCount: Int, codebook: Codebook, threads: Int = 0) throws -> [Float] {
        try checkPlanar(features, pixelCount: pixelCount, codebook: codebook)
        let entries = codebook.entryCount
        var planes = [Float](repeating: 0, count: entries * pixelCount)
        planes.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let planes = SendablePointer(base)
            forEachFeature(features, count: pixelCount, planar: true, codebook: codebook, softmax: true, threads: threads) { u, kernel, p, _ in
                for k in 0..<entries { planes.base[k * pixelCount + u] = kernel.value(p, k) }
            }
        }
        return planes
    }

    /// The soft mask of a set of ids: pixel u is in it when softmax(C·F_u)[k] > `threshold` for some
    /// k in `ids` (METHOD.md §2 and §4.1: threshold 0.2). Ids outside the codebook are ignored.
    public static func softMask(features: [Float], pixelCount: Int, codebook: Codebook, ids: Set<Int>,
                                threshold: Float = 0.2, threads: Int = 0) throws -> [Bool] {
        try checkPlanar(features, pixelCount: pixelCount, codebook: codebook)
        let selected = ids.filter { $0 >= 0 && $0 < codebook.entryCount }.sorted()
        var mask = [UInt8](repeating: 0, count: pixelCount)
        mask.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let mask = SendablePointer(base)
            forEachFeature(features, count: pixelCount, planar: true, codebook: codebook, softmax: true, threads: threads) { u, kernel, p, _ in
                mask.base[u] = selected.contains { kernel.value(p, $0) > threshold } ? 1 : 0
            }
        }
        return mask.map { $0 != 0 }
    }

    private static func checkPlanar(_ features: [Float], pixelCount: Int, codebook: Codebook) throws {
        guard pixelCount >= 0, features.count == pixelCount * codebook.featureCount else {
            throw SplatError("feature map holds \(features.count) values, \(codebook.featureCount)x\(pixelCount) expected")
        }
    }

    /// Calls `body(index, kernel, scores, argmax)` for every feature vector (planar d·count or
    /// i-major count·d), in parallel chunks; `scores` are probabilities when `softmax`, else logits.
    private static func forEachFeature(_ features: [Float], count: Int, planar: Bool, codebook: Codebook, softmax: Bool,
                                       threads: Int,
                                       _ body: @escaping @Sendable (Int, CodebookKernel, UnsafePointer<V16>, Int32) -> Void) {
        let d = codebook.featureCount
        let storage = ScratchBuffer<V16>(fill: .zero)
        let kernel = CodebookKernel(codebook: codebook.values, entries: codebook.entryCount, featureCount: d,
                                    storage: storage)
        let chunks = chunkCount(for: count)
        let vectors = kernel.vectors
        let scratch = ScratchBuffer<V16>(fill: .zero), featureScratch = ScratchBuffer<Float>(fill: 0)
        let z = SendablePointer(scratch.reserve(chunks * vectors)), f = SendablePointer(featureScratch.reserve(chunks * d))
        features.withUnsafeBufferPointer { src in
            guard let srcBase = src.baseAddress else { return }
            let source = SendablePointer(UnsafeMutablePointer(mutating: srcBase))
            parallelChunks(chunks, threads: threads) { chunk in
                let z = z.base + chunk &* vectors, f = f.base + chunk &* d
                for i in chunkRange(chunk, of: chunks, count: count) {
                    for j in 0..<d { f[j] = planar ? source.base[j &* count &+ i] : source.base[i &* d &+ j] }
                    let (maxValue, argmax) = kernel.logits(f, into: z)
                    if softmax { _ = kernel.softmax(z, max: maxValue) }
                    body(i, kernel, z, argmax)
                }
            }
        }
        withExtendedLifetime((storage, scratch, featureScratch)) {}
    }
}
