import ArgumentParser
import Foundation
import SplatLift
import SplatPipeline

/// `splatlift group MODEL`: runs the object pipeline again on a segmented model.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Run the object pipeline on a segmented model: make its objects from its features and training masks.",
        discussion: """
        Training does this at every saved point cloud; run it to upgrade a model folder written by an \
        older SplatLift, or to try other settings. The stages (docs/SEGMENTATION.md): (1) the argmax \
        codebook entry of every training pixel; (2) entries whose pixels share the training masks become \
        one object; (3) every Gaussian takes the object holding most of its blending weight, each mask \
        counting as its majority object; (4) objects whose Gaussians lie apart are cut into spatial parts \
        and regrouped by the masks; (5) ids 1…K by area. Writes objects.json beside the latest point \
        cloud and in the model folder, and rewrites the point cloud's object_id.
        """
    )

    @Argument(help: "Model folder trained with masks.") var model: String
    @OptionGroup var objects: ObjectOptions
    @Option(help: "Scene folder, when it has moved since training.") var scene: String?

    func run() throws {
        try oneLineErrors {
            let (table, _) = try ObjectRegrouping.regroup(URL(fileURLWithPath: model), settings: objects.settings,
                                                          scenePath: scene.map { URL(fileURLWithPath: $0) })
            let log = table.stages
            print("\(log.candidates) candidates (\(table.settings.candidates.rawValue)), \(log.merges.count) merges, "
                  + "\(log.votedObjects) objects voted, \(log.splitObjects) split off by space: \(table.objects.count) objects; "
                  + "wrote \(ObjectTable.fileName) and the point cloud's object_id (list them with `splatlift objects \(model)`)")
        }
    }
}
