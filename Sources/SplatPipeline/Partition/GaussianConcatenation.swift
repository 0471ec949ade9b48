import SplatMath

extension GaussianParams {
    /// The Gaussians of every part, in order (every part must carry the same feature channels).
    static func concatenated(_ parts: [GaussianParams]) throws -> GaussianParams {
        guard let first = parts.first else { throw SplatError("nothing to concatenate") }
        guard parts.allSatisfy({ $0.featureCount == first.featureCount }) else {
            throw SplatError("the blocks' Gaussians carry different feature channel counts: \(parts.map(\.featureCount))")
        }
        var all = GaussianParams(count: 0, shDegree: parts.map(\.shDegree).max()!, featureCount: first.featureCount)
        for part in parts {
            all.count += part.count
            all.means += part.means; all.logScales += part.logScales; all.rotations += part.rotations
            all.opacityLogits += part.opacityLogits; all.sh += part.sh; all.features += part.features
        }
        return all
    }
}
