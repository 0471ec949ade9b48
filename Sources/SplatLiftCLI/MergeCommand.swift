import ArgumentParser
import Foundation
import SplatLift
import SplatPipeline

/// `splatlift merge PLAN --out MODEL`: the trained blocks of a partition plan as one model.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the trained blocks of a `splatlift partition` plan into one segmented model folder.",
        discussion: """
        Every block keeps the Gaussians whose centre lies in its own (unexpanded) cell. Objects are joined \
        across blocks by the voting rule of the object pipeline over the training views two blocks share: \
        an object of one block joins the object of the other that --agreement of its Gaussians in the \
        overlap voted for. Writes a complete model folder (render, eval, objects, extract, remove accept \
        it) whose objects.json lists for every object the block objects it joined (`sources`), and \
        merge.json with the links. docs/SCALE.md.
        """
    )

    @Argument(help: "Plan folder written by `splatlift partition` (or its plan.json).") var plan: String
    @Option(help: "Model folder to write (default: PLAN/merged).") var out: String?
    @Option(parsing: .unconditional, help: "Share of an object's overlap Gaussians that must vote for one object of the other block (0-1).")
    var agreement = BlockObjectJoin.Settings().agreement
    @Option(name: .customLong("min-gaussians"), parsing: .unconditional, help: "Overlap Gaussians an object needs to be joined by votes.")
    var minGaussians = BlockObjectJoin.Settings().minimumGaussians

    func validate() throws {
        try OptionCheck.real(agreement, "--agreement", 0...1)
        try OptionCheck.int(minGaussians, "--min-gaussians", 1...Int.max)
    }

    func run() throws {
        try oneLineErrors {
            guard (0...1).contains(agreement), minGaussians >= 1 else {
                throw ValidationErrorLine("--agreement must lie in [0, 1] and --min-gaussians be at least 1")
            }
            let planURL = URL(fileURLWithPath: plan)
            let outURL = out.map { URL(fileURLWithPath: $0) } ?? planURL.appendingPathComponent("merged")
            let report = try BlockMerge.merge(plan: planURL, out: outURL,
                                              settings: BlockObjectJoin.Settings(agreement: agreement, minimumGaussians: minGaussians))
            for block in report.blocks {
                print("\(block.name): kept \(block.kept) of \(block.gaussians) Gaussians, \(block.objects) objects")
            }
            print("\(report.links.count) links across blocks: \(report.objects) objects, \(report.gaussians) Gaussians; wrote \(outURL.path)")
        }
    }
}
