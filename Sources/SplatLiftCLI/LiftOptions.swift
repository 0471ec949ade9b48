import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatTrain

extension IDMappingCost: ExpressibleByArgument {}
extension NormGradient: ExpressibleByArgument {}
extension LiftObjectiveKind: ExpressibleByArgument {}

/// The segmentation options of `train` (Unified-Lift, METHOD.md §1.3-§1.4 and the [SUPP] ablations).
struct LiftOptions: ParsableArguments {
    @Option(name: .long, help: "2D instance masks folder (default: the scene's object_mask/ or sam_masks/ when present).")
    var masks: String?

    @Flag(name: .long, help: "Train RGB only, even when the scene has masks.")
    var noSegmentation = false

    @Option(name: .long, help: "Feature objective: unified-lift (contrastive + the object codebook learned end to end; default) or contrastive (the post-processing baseline: features only, objects afterwards from `splatlift cluster`).")
    var objective: LiftObjectiveKind?

    @Option(name: .long, help: "ID-mapping cost: area (Unified-Lift, default) or mean (Panoptic Lifting).")
    var mapping: IDMappingCost?

    @Option(name: .long, help: "Uncertainty threshold τ of the noisy-label filter (default 0.8).")
    var tau: Double?

    @Flag(name: .long, help: "Turn off noisy-label filtering (every pixel counts as confident).")
    var noFiltering = false

    @Flag(name: .long, help: "Turn off gradient blocking: the association losses reach the features, and the feature losses reach the geometry.")
    var noGradientBlocking = false

    @Option(name: .long, help: "Contrastive gradient through f̂ = F/‖F‖: detached (the norm held constant, as Unified-Lift's code; default) or exact.")
    var normGradient: NormGradient?

    @Flag(name: .long, help: "Masks drawn too few times for the contrastive loss but larger than 20 pixels take part with all their pixels.")
    var wholeSmallMasks = false

    @Option(name: .long, help: "Codebook entries L, the maximum number of objects (default 256).")
    var codebookSize: Int?

    @Option(name: .long, help: "Learning rate of the Gaussians' identity features (default 0.0025, Unified-Lift's for 30k iterations).")
    var featureLR: Double?

    @Option(name: .long, help: "Let the identity-feature learning rate decay log-linearly to this over the run (default: constant).")
    var featureLRFinal: Double?

    /// The objective's settings from the defaults and these options; nil when none was given.
    var liftConfig: LiftConfig? {
        guard objective != nil || mapping != nil || tau != nil || noFiltering || noGradientBlocking || codebookSize != nil || normGradient != nil
                || wholeSmallMasks else { return nil }
        var config = LiftConfig()
        if let objective { config.objective = objective }
        if let mapping { config.mapping = mapping }
        if let tau { config.tau = tau }
        if noFiltering { config.filtering = false }
        if noGradientBlocking { config.gradientBlocking = false }
        if let codebookSize { config.codebookSize = codebookSize }
        if let normGradient { config.normGradient = normGradient }
        if wholeSmallMasks { config.wholeSmallMasks = true }
        return config
    }
}
