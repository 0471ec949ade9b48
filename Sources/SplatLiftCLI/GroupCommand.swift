import ArgumentParser
import Foundation
import SplatLift
import SplatPipeline

/// `splatlift group MODEL`: (re)builds which codebook entries form one object.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Group a segmented model's codebook entries into objects from its training masks.",
        discussion: """
        Training does this at every saved point cloud; run it for models trained before, or to try \
        other thresholds. Renders the training views, takes the argmax entry per pixel and merges two \
        groups while, in the views where both are seen, most of their pixels share masks that one of \
        them is the majority of (same/both > --agreement) and that evidence covers at least --support \
        of the smaller group's pixels. Then every Gaussian takes the object its training-view pixels \
        show most, each mask counting as its majority object. Last, each object's Gaussians are cut \
        into spatial parts (cells of --split-gap times the scene extent) and the parts are grouped \
        again by the same rule: a part the masks keep apart from the rest of its object becomes an \
        object of its own (a pebble whose features matched a box across the room), and pieces of one \
        object that the features put in two objects join, on stronger evidence (same/both > 0.75). \
        Writes objects.json beside the latest point cloud and in the model folder, and rewrites the \
        point cloud's object_id. Details: docs/SEGMENTATION.md.
        """
    )

    @Argument(help: "Model folder trained with masks.") var model: String
    @Option(help: "Share of the co-visible pixels that must lie in shared masks (0-1).") var agreement = 0.5
    @Option(help: "Co-visible pixels needed, as a share of the smaller group's pixels (0-1).") var support = 0.05
    @Option(help: "Cell size for cutting objects into spatial parts, as a share of the scene extent; 0 keeps objects whole.")
    var splitGap = 0.02
    @Option(help: "Scene folder, when it has moved since training.") var scene: String?

    func validate() throws {
        guard (0..<1).contains(agreement), (0...1).contains(support) else {
            throw ValidationError("--agreement must be in [0, 1) and --support in [0, 1]")
        }
        guard splitGap.isFinite, splitGap >= 0 else { throw ValidationError("--split-gap must be 0 or more") }
    }

    func run() throws {
        try oneLineErrors {
            var splitting = ObjectSplitting.Settings()
            splitting.gap = splitGap
            let (grouping, ids) = try ObjectRegrouping.regroup(URL(fileURLWithPath: model), agreement: agreement, support: support,
                                                               splitting: splitting, scenePath: scene.map { URL(fileURLWithPath: $0) })
            let used = grouping.entryArea.filter { $0 > 0 }.count
            print("\(used) codebook entries rendered in the training views form \(grouping.objects.count) objects "
                  + "(\(grouping.merges.count) merges, \(grouping.splits?.count ?? 0) split off by space), "
                  + "\(Set(ids).count) of them carried by Gaussians; "
                  + "wrote \(ObjectGrouping.fileName) and the point cloud's object_id")
        }
    }
}
