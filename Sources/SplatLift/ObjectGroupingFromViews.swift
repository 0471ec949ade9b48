import SplatMath
import SplatRaster

extension ObjectGrouping {
    /// Renders the identity features of every view in `cameras` (the training views, at the
    /// training resolution, in the order of `masks`) and groups the codebook entries by those
    /// views' masks (see `build(masks:entryCount:agreement:support:ids:)`).
    public static func build(gaussians: GaussianParams, codebook: Codebook, cameras: [PinholeCamera],
                             masks: [SegmentLabels], backend: RasterBackend, agreement: Double = 0.5,
                             support: Double = 0.05, threads: Int = 0) throws -> ObjectGrouping {
        guard cameras.count == masks.count else {
            throw SplatError("object grouping: \(cameras.count) cameras for \(masks.count) masks")
        }
        let options = RenderOptions.identityFeatures(threads: threads)
        return try build(masks: masks, entryCount: codebook.entryCount, agreement: agreement, support: support) { v in
            let output = backend.render(gaussians, camera: cameras[v], options: options)
            return try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height,
                                              codebook: codebook)
        }
    }

    /// The grouping (`build`) and the Gaussians' object ids voted on the same views
    /// (`GaussianVoting`), with objects whose Gaussians lie apart split (`ObjectSplitting`, recorded
    /// in the grouping's `splits`): what a segmented point cloud is written with.
    public static func buildWithGaussianIDs(gaussians: GaussianParams, codebook: Codebook, cameras: [PinholeCamera],
                                            masks: [SegmentLabels], backend: RasterBackend, agreement: Double = 0.5,
                                            support: Double = 0.05, splitting: ObjectSplitting.Settings = .init(),
                                            threads: Int = 0) throws -> (grouping: ObjectGrouping, gaussianIDs: [Int32]) {
        var grouping = try build(gaussians: gaussians, codebook: codebook, cameras: cameras, masks: masks, backend: backend,
                                 agreement: agreement, support: support, threads: threads)
        let voted = try GaussianVoting.objectIDs(gaussians, codebook: codebook, grouping: grouping, cameras: cameras,
                                                 masks: masks, backend: backend, threads: threads)
        let (ids, splits) = try ObjectSplitting.split(gaussians, objectIDs: voted, grouping: grouping, cameras: cameras,
                                                      masks: masks, backend: backend, agreement: agreement, support: support,
                                                      settings: splitting, threads: threads)
        grouping.splits = splits
        return (grouping, ids)
    }
}
