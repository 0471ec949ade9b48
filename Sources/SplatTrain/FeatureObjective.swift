/// A loss on the rendered identity features that the trainer runs every step next to the
/// photometric loss (the Unified-Lift objective of SplatLift implements it). It owns any
/// parameters of its own (the codebook) and steps their optimiser itself.
public protocol FeatureObjective: AnyObject {
    /// Channels of the identity feature it expects the Gaussians to carry.
    var featureCount: Int { get }

    /// One training step on view `viewIndex` (an index into the scene's training views).
    /// `features` is the rendered feature map, planar featureCount·H·W. Writes dLoss/dF (already
    /// weighted, same layout) into `featureGradient`, steps its own parameters, and returns its
    /// loss terms by name for logging.
    func step(iteration: Int, viewIndex: Int, features: [Float], width: Int, height: Int,
              featureGradient: inout [Float]) throws -> [String: Double]
}
