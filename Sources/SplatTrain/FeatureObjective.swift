/// A loss on the rendered identity features that the trainer runs every step next to the
/// photometric loss (the Unified-Lift objective of SplatLift implements it). It owns any
/// parameters of its own (the codebook) and steps their optimiser itself.
public protocol FeatureObjective: AnyObject {
    /// Channels of the identity feature it expects the Gaussians to carry.
    var featureCount: Int { get }

    /// Whether dLoss/dF also reaches α, means and covariances through the rasterizer
    /// (`RenderOptions.featureGradientsReachGeometry`); Unified-Lift blocks it (METHOD.md §1.2).
    /// Default false.
    var featureGradientsReachGeometry: Bool { get }

    /// The objective runs on the iterations that are multiples of this; the trainer renders no
    /// features and leaves their Adam group alone on the others, and multiplies the features'
    /// learning rate by it, so that they can move as far over a run. Default 1 (every step).
    var stepInterval: Int { get }

    /// One training step on view `viewIndex` (an index into the scene's training views).
    /// `features` is the rendered feature map, planar featureCount·H·W. Writes dLoss/dF (already
    /// weighted, same layout) into `featureGradient`, steps its own parameters, and returns its
    /// loss terms by name for logging.
    func step(iteration: Int, viewIndex: Int, features: [Float], width: Int, height: Int,
              featureGradient: inout [Float]) throws -> [String: Double]

    /// The objective's complete state as bytes, stored in the training checkpoint (default: none).
    func checkpointState() throws -> [UInt8]
    /// Restores what `checkpointState()` returned (default: nothing to restore).
    func restoreCheckpointState(_ bytes: [UInt8]) throws
}

/// Checkpointing of an objective's own state (codebook, its optimiser), so `--resume` is
/// bit-identical with a feature objective too. The defaults store nothing: an objective without
/// state needs no code.
extension FeatureObjective {
    public var featureGradientsReachGeometry: Bool { false }
    public var stepInterval: Int { 1 }
    public func checkpointState() throws -> [UInt8] { [] }
    public func restoreCheckpointState(_ bytes: [UInt8]) throws {}
}
