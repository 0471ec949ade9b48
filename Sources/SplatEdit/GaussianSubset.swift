import SplatMath

extension GaussianParams {
    /// The Gaussians with `keep[i]` true, in their original order, every parameter copied.
    public func subset(_ keep: [Bool]) throws -> GaussianParams {
        guard keep.count == count else {
            throw SplatError("selection has \(keep.count) entries for \(count) Gaussians")
        }
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        var out = GaussianParams(count: kept, shDegree: shDegree, featureCount: featureCount)
        var j = 0
        for i in 0..<count where keep[i] {
            for k in 0..<3 {
                out.means[3 * j + k] = means[3 * i + k]
                out.logScales[3 * j + k] = logScales[3 * i + k]
            }
            for k in 0..<4 { out.rotations[4 * j + k] = rotations[4 * i + k] }
            out.opacityLogits[j] = opacityLogits[i]
            let s = Self.shStride
            for k in 0..<s { out.sh[s * j + k] = sh[s * i + k] }
            for k in 0..<featureCount { out.features[featureCount * j + k] = features[featureCount * i + k] }
            j += 1
        }
        return out
    }
}

/// Object extraction and removal (METHOD.md §2, [SUPP] §C): keep or drop the Gaussians whose id
/// is selected.
public enum ObjectEditing {
    /// The Gaussians whose id is in `ids`, with their ids.
    public static func extract(_ gaussians: GaussianParams, objectIDs: [Int32], ids: Set<Int32>) throws -> (GaussianParams, [Int32]) {
        try split(gaussians, objectIDs: objectIDs) { ids.contains($0) }
    }

    /// The Gaussians whose id is not in `ids`, with their ids.
    public static func remove(_ gaussians: GaussianParams, objectIDs: [Int32], ids: Set<Int32>) throws -> (GaussianParams, [Int32]) {
        try split(gaussians, objectIDs: objectIDs) { !ids.contains($0) }
    }

    private static func split(_ gaussians: GaussianParams, objectIDs: [Int32], keep: (Int32) -> Bool) throws -> (GaussianParams, [Int32]) {
        guard objectIDs.count == gaussians.count else {
            throw SplatError("\(objectIDs.count) object ids for \(gaussians.count) Gaussians")
        }
        let mask = objectIDs.map(keep)
        return (try gaussians.subset(mask), objectIDs.filter(keep))
    }
}
