import SplatMath
import SplatRaster

/// When and how a training run associates the masks for `LiftConfig.associatedMasks`.
public struct MaskAssociationSchedule {
    /// The training views' cameras at the training resolution, in the objective's view order.
    public var cameras: [PinholeCamera]
    public var backend: RasterBackend
    /// Iterations before whose render the masks are associated again.
    public var iterations: Set<Int>
    /// `ObjectSettings.associationAgreement`.
    public var agreement: Double

    /// Associations at a third and two thirds of a run of `totalIterations`.
    public init(cameras: [PinholeCamera], backend: RasterBackend, totalIterations: Int, agreement: Double) {
        self.cameras = cameras
        self.backend = backend
        iterations = Set([totalIterations / 3, 2 * totalIterations / 3].filter { $0 >= 1 })
        self.agreement = agreement
    }
}
