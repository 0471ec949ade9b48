import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatRaster
import SplatTrain

/// `splatlift objects MODEL`: the model's objects, and names for them.
struct ObjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objects",
        abstract: "List a segmented model's objects (id, name, Gaussians, pixel area, colour, split from), or name them.",
        discussion: """
        The ids are the ones `extract`, `remove`, `mesh` and `render --segmentation` use; the colour is \
        the object's colour in the overlays. --name ID=NAME (repeatable; an empty NAME clears it) stores \
        names in objects.json.
        """)

    @Argument(help: "Model folder trained with masks.") var model: String
    @Flag(help: "Print the table as JSON (objects.json's objects).") var json = false
    @Option(help: "Name an object: ID=NAME.") var name: [String] = []
    @Option(help: "Write a contact sheet PNG: each object cut out of the training view where it is largest.") var sheet: String?
    @Option(help: "Scene folder, when it has moved since training (for --sheet).") var scene: String?

    func run() throws {
        try oneLineErrors {
            let folder = ModelFolder(URL(fileURLWithPath: model))
            var (table, _) = try folder.readObjectTable()
            for assignment in name {
                guard let equals = assignment.firstIndex(of: "="), let id = Int(assignment[..<equals]) else {
                    throw SplatError("--name takes ID=NAME, got '\(assignment)'")
                }
                try table.setName(String(assignment[assignment.index(after: equals)...]), of: id)
            }
            if !name.isEmpty { try folder.writeObjectTable(table) }
            if let sheet {
                let trained = try TrainedModel.load(folder, scenePath: scene.map { URL(fileURLWithPath: $0) })
                guard let segmented = try SegmentedModel.load(trained) else {
                    throw SplatError("the model was trained without masks", path: model)
                }
                try ImageIO.writePNG(try ObjectContactSheet.render(segmented, backend: CPURasterizer()),
                                     to: URL(fileURLWithPath: sheet))
                print("wrote \(sheet)")
            }
            if json {
                print(String(decoding: try JSONFiles.encoded(table.objects), as: UTF8.self))
            } else {
                print(table.text)
                print("\(table.objects.count) objects (candidates: \(table.settings.candidates.rawValue)); "
                      + "area in pixels over the training views")
            }
        }
    }
}
