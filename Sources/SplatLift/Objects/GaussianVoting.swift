import SplatMath
import SplatRaster
import SplatTrain

/// Object ids of the Gaussians from what they draw. A Gaussian's own feature f_i is only ever seen
/// blended (F = Σ wᵢ fᵢ, METHOD.md §1.2), so argmax C·fᵢ can differ from the id of the pixels it
/// paints: behind a surface, or when neighbours' features cancel its off-axis part. Here each
/// Gaussian takes the object whose pixels hold most of its blending weight over the views,
/// votes_i(k) = Σ_views Σ_p wᵢ(p)·[id(p) = k] (`LabelWeights`). Gaussians no view sees take the id
/// of the nearest seen one.
///
/// With the views' 2D masks, id(p) is the majority rendered id of the mask holding p
/// (`maskMajority`): the masks' own extents, which the rendered ids only approximate, decide which
/// pixels a view counts as one object, while what each mask is still comes from the 3D features.
public enum GaussianVoting {
    /// Stage 3 of `ObjectPipeline`: every Gaussian's object from the training views, whose
    /// per-pixel object ids are `viewIDs[v]` (row-major; with `masks`, replaced by each mask's
    /// majority first). Gaussians no view sees take the nearest seen Gaussian's object, or
    /// `fallback()` when none is seen.
    public static func objectIDs(_ gaussians: GaussianParams, viewIDs: [[Int32]], cameras: [PinholeCamera],
                                 masks: [SegmentLabels]?, backend: RasterBackend, threads: Int = 0,
                                 fallback: () throws -> [Int32]) throws -> [Int32] {
        guard viewIDs.count == cameras.count, masks.map({ $0.count == cameras.count }) ?? true else {
            throw SplatError("Gaussian voting: \(cameras.count) cameras for \(viewIDs.count) id maps and \(masks?.count ?? 0) masks")
        }
        let n = gaussians.count
        var votes: [Int32: [Float]] = [:]      // per object, the votes of every Gaussian
        for (v, camera) in cameras.enumerated() {
            try LabelWeights.forEachLabel(gaussians, camera: camera, backend: backend, threads: threads, labels: { _ in
                try masks.map { try maskMajority(viewIDs[v], mask: $0[v]) } ?? viewIDs[v]
            }) { object, weights in
                votes[object, default: [Float](repeating: 0, count: n)].withUnsafeMutableBufferPointer { v in
                    for i in 0..<n { v[i] += weights[i] }
                }
            }
        }
        let objects = votes.keys.sorted(), columns = objects.map { votes[$0]! }
        var voted = [Int32?](repeating: nil, count: n)
        for i in 0..<n {
            var bestVote: Float = 0
            for (object, column) in zip(objects, columns) where column[i] > bestVote { voted[i] = object; bestVote = column[i] }
        }
        return try fillUnseen(voted, means: gaussians.means, fallback: fallback)
    }

    /// Every pixel of a mask (label ≠ 0) gets the id most of the mask's pixels carry in `ids`
    /// (ties: the smaller id); unmasked pixels keep theirs.
    public static func maskMajority(_ ids: [Int32], mask: SegmentLabels) throws -> [Int32] {
        guard ids.count == mask.pixelCount else {
            throw SplatError("Gaussian voting: \(ids.count) ids for a \(mask.width)x\(mask.height) mask")
        }
        var counts = [[Int32: Int]](repeating: [:], count: mask.labelCount)
        for p in ids.indices { counts[Int(mask.index[p])][ids[p], default: 0] += 1 }
        let majority = counts.map(\.majorityKey)
        return ids.indices.map { p in
            let segment = Int(mask.index[p])
            return mask.values[segment] == 0 ? ids[p] : majority[segment]!
        }
    }

    /// Gaussians no view sees (hidden under a surface, since blending stops once T < 1e-4) take the
    /// id of the nearest seen Gaussian; with none seen at all, `fallback()`.
    static func fillUnseen(_ voted: [Int32?], means: [Float], fallback: () throws -> [Int32]) rethrows -> [Int32] {
        let seen = voted.indices.filter { voted[$0] != nil }
        guard !seen.isEmpty else { return try fallback() }
        let tree = KDTree3(points: seen.flatMap { means[(3 * $0)..<(3 * $0 + 3)] })
        return voted.indices.map { i in
            if let id = voted[i] { return id }
            let nearest = tree.nearest(to: (means[3 * i], means[3 * i + 1], means[3 * i + 2]))!
            return voted[seen[nearest]]!
        }
    }
}
