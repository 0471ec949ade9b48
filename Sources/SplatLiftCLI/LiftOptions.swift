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

    @Option(name: .long, help: ArgumentHelp(LiftConfig.Help.objective))
    var objective: LiftObjectiveKind?

    @Option(name: .long, help: ArgumentHelp(LiftConfig.Help.mapping))
    var mapping: IDMappingCost?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.tau))
    var tau: Double?

    @Flag(name: .long, help: ArgumentHelp(LiftConfig.Help.noFiltering))
    var noFiltering = false

    @Flag(name: .long, help: ArgumentHelp(LiftConfig.Help.noGradientBlocking))
    var noGradientBlocking = false

    @Option(name: .long, help: ArgumentHelp(LiftConfig.Help.normGradient))
    var normGradient: NormGradient?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.wholeSmallMasks, valueName: "pixels"))
    var wholeSmallMasks: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.codebookSize))
    var codebookSize: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.codebookPixels, valueName: "pixels"))
    var codebookPixels: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.objectiveEvery, valueName: "steps"))
    var objectiveEvery: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.codebookInitScale))
    var codebookInitScale: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.identityFeatureLR))
    var featureLR: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(TrainConfig.Help.identityFeatureLRFinal))
    var featureLRFinal: Double?

    func validate() throws {
        try OptionCheck.real(featureLR, "--feature-lr", 0...1e6)
        try OptionCheck.real(featureLRFinal, "--feature-lr-final", 0...1e6)
        try OptionCheck.int(wholeSmallMasks, "--whole-small-masks", 1...Int.max)
        try OptionCheck.int(codebookPixels, "--codebook-pixels", 0...Int.max)
        try OptionCheck.int(objectiveEvery, "--objective-every", 1...Int.max)
        do { try liftConfig?.validate() } catch { throw ValidationErrorLine("\(error)") }
    }

    /// The objective's settings from the defaults and these options; nil when none was given.
    var liftConfig: LiftConfig? {
        guard objective != nil || mapping != nil || tau != nil || noFiltering || noGradientBlocking || codebookSize != nil
                || codebookInitScale != nil || normGradient != nil || wholeSmallMasks != nil || codebookPixels != nil
                || objectiveEvery != nil
        else { return nil }
        var config = LiftConfig()
        if let objective { config.objective = objective }
        if let mapping { config.mapping = mapping }
        if let tau { config.tau = tau }
        if noFiltering { config.filtering = false }
        if noGradientBlocking { config.gradientBlocking = false }
        if let codebookSize { config.codebookSize = codebookSize }
        if let codebookInitScale { config.codebookInitScale = codebookInitScale }
        if let normGradient { config.normGradient = normGradient }
        if let wholeSmallMasks { config.wholeMaskMinimum = wholeSmallMasks }
        if let codebookPixels { config.codebookPixels = codebookPixels }
        if let objectiveEvery { config.objectiveEvery = objectiveEvery }
        return config
    }
}
