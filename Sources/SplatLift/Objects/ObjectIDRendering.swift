import SplatMath
import SplatRaster

/// Per-pixel object ids drawn from the Gaussians' own object ids: pixel p shows the object that
/// holds most of its blending weight, argmax_k Σᵢ wᵢ(p)·[idᵢ = k]. The blended one-hot id planes
/// are rendered through the feature channels, `featureCount` objects per pass. Unlike the argmax
/// of the rendered feature (METHOD.md §2), these ids agree with what selecting, extracting and
/// removing the Gaussians of an object does.
public enum ObjectIDRendering {
    /// Ids of every pixel (row-major W·H) of `camera`; -1 where no Gaussian draws.
    public static func pixelIDs(_ gaussians: GaussianParams, objectIDs: [Int32], camera: PinholeCamera,
                                backend: RasterBackend, threads: Int = 0) throws -> [Int32] {
        guard objectIDs.count == gaussians.count else {
            throw SplatError("\(objectIDs.count) object ids for \(gaussians.count) Gaussians")
        }
        guard gaussians.featureCount > 0 else { throw SplatError("object-id rendering needs Gaussians with feature channels") }
        let d = gaussians.featureCount, pixels = camera.width * camera.height
        let options = RenderOptions.identityFeatures(threads: threads)
        let objects = Set(objectIDs).sorted()
        var ids = [Int32](repeating: -1, count: pixels), best = [Float](repeating: 0, count: pixels)
        var oneHot = gaussians
        for start in stride(from: 0, to: objects.count, by: d) {
            let batch = Array(objects[start..<min(start + d, objects.count)])
            let channelOf = Dictionary(uniqueKeysWithValues: batch.enumerated().map { ($1, $0) })
            for i in 0..<gaussians.count {
                for c in 0..<d { oneHot.features[i * d + c] = 0 }
                if let c = channelOf[objectIDs[i]] { oneHot.features[i * d + c] = 1 }
            }
            let planes = backend.render(oneHot, camera: camera, options: options).features
            for (c, object) in batch.enumerated() {
                for p in 0..<pixels where planes[c * pixels + p] > best[p] {
                    best[p] = planes[c * pixels + p]
                    ids[p] = object
                }
            }
        }
        return ids
    }
}
