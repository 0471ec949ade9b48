import ArgumentParser
import SplatLift

extension ObjectSettings.Candidates: ExpressibleByArgument {}
extension ObjectSettings.AssociationVotes: ExpressibleByArgument {}

/// The object-pipeline options of `train` and `group` (`ObjectSettings`: defaults and help texts
/// live there). Each stage can be switched off to measure what it earns.
struct ObjectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(ObjectSettings.Help.candidates))
    var candidates: ObjectSettings.Candidates?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ObjectSettings.Help.associationAgreement))
    var associationAgreement: Double?

    @Option(name: .long, help: ArgumentHelp(ObjectSettings.Help.associationVotes))
    var associationVotes: ObjectSettings.AssociationVotes?

    @Flag(name: .long, help: ArgumentHelp(ObjectSettings.Help.noEntryGrouping))
    var noEntryGrouping = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ObjectSettings.Help.agreement))
    var agreement: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ObjectSettings.Help.support))
    var support: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ObjectSettings.Help.maskShare))
    var maskShare: Double?

    @Flag(name: .long, help: ArgumentHelp(ObjectSettings.Help.noVoting))
    var noVoting = false

    @Flag(name: .long, help: ArgumentHelp(ObjectSettings.Help.noMaskMajority))
    var noMaskMajority = false

    @Flag(name: .long, help: ArgumentHelp(ObjectSettings.Help.noSplitting))
    var noSplitting = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(ObjectSettings.Help.splitGap))
    var splitGap: Double?

    /// The defaults with these options applied.
    var settings: ObjectSettings {
        var settings = ObjectSettings()
        if let candidates { settings.candidates = candidates }
        if let associationAgreement { settings.associationAgreement = associationAgreement }
        if let associationVotes { settings.associationVotes = associationVotes }
        if noEntryGrouping { settings.entryGrouping = false }
        if let agreement { settings.agreement = agreement }
        if let support { settings.support = support }
        if let maskShare { settings.maskShare = maskShare }
        if noVoting { settings.voting = false }
        if noMaskMajority { settings.maskMajority = false }
        if noSplitting { settings.splitting = false }
        if let splitGap { settings.splitGap = splitGap }
        return settings
    }

    func validate() throws {
        try OptionCheck.real(associationAgreement, "--association-agreement", 0...1, openAbove: true)
        try OptionCheck.real(agreement, "--agreement", 0...1, openAbove: true)
        try OptionCheck.real(support, "--support", 0...1)
        try OptionCheck.real(maskShare, "--mask-share", 0...1)
        try OptionCheck.real(splitGap, "--split-gap", 0...1e9, openBelow: true)
        do { try settings.validate() } catch { throw ValidationErrorLine("\(error)") }
    }
}
