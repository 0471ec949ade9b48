import ArgumentParser
import Foundation
import SplatEdit
import SplatIO

/// Parses `--ids 3,5,12` into a set of object ids.
struct ObjectIDList: ExpressibleByArgument {
    var ids: Set<Int32>

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let parsed = parts.compactMap { Int32($0) }
        guard !parts.isEmpty, parsed.count == parts.count else { return nil }
        ids = Set(parsed)
    }
}

/// Shared by `extract` and `remove`: read the PLY, keep or drop the selected ids, write.
struct ObjectEditOptions: ParsableArguments {
    @Argument(help: "A model folder (point_cloud/iteration_N/point_cloud.ply, highest N) or a PLY with object_id.")
    var input: String

    @Option(help: "Comma-separated object ids, e.g. 3,5.")
    var ids: ObjectIDList

    @Option(help: "Output PLY (standard 3DGS layout plus obj_dc_* and object_id).")
    var out: String

    func run(verb: String, _ edit: (GaussianPLY, Set<Int32>, String) throws -> GaussianPLY) throws {
        let source = try ObjectEditing.pointCloudFile(URL(fileURLWithPath: input))
        let ply = try PLYFile.readGaussians(source)
        let edited = try edit(ply, ids.ids, source.path)
        try PLYFile.writeGaussians(edited, to: URL(fileURLWithPath: out))
        let idText = ids.ids.sorted().map(String.init).joined(separator: ",")
        print("\(verb): ids \(idText): kept \(edited.gaussians.count) of \(ply.gaussians.count) Gaussians from \(source.path) -> \(out)")
    }
}

/// `splatlift extract`: keep the Gaussians of some objects.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Write the Gaussians whose object id is selected as a standard 3DGS PLY.")

    @OptionGroup var options: ObjectEditOptions

    func run() throws { try options.run(verb: "extract") { try ObjectEditing.extract($0, ids: $1, path: $2) } }
}

/// `splatlift remove`: drop the Gaussians of some objects.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Write the scene without the Gaussians whose object id is selected.")

    @OptionGroup var options: ObjectEditOptions

    func run() throws { try options.run(verb: "remove") { try ObjectEditing.remove($0, ids: $1, path: $2) } }
}
