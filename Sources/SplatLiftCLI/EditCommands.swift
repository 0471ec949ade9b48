import ArgumentParser
import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatRaster

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

/// Parses `--pixel VIEW:X,Y`.
struct PixelQuery: ExpressibleByArgument {
    var view: String, x: Int, y: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":") else { return nil }
        let xy = argument[argument.index(after: colon)...].split(separator: ",")
        guard xy.count == 2, let x = Int(xy[0]), let y = Int(xy[1]), colon > argument.startIndex else { return nil }
        view = String(argument[..<colon]); self.x = x; self.y = y
    }
}

/// Parses `--mask VIEW:PATH.png`.
struct MaskQuery: ExpressibleByArgument {
    var view: String, path: String

    init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":"), colon > argument.startIndex else { return nil }
        view = String(argument[..<colon]); path = String(argument[argument.index(after: colon)...])
        if path.isEmpty { return nil }
    }
}

/// The selection options shared by `extract`, `remove` and `mesh`.
struct SelectionOptions: ParsableArguments {
    @Argument(help: "A model folder trained with masks (cfg.json, point_cloud/iteration_N/, codebook.json); extract and remove also take a PLY with object_id (with --ids only).")
    var input: String

    @Option(help: "Comma-separated object ids, e.g. 3,5 (`splatlift objects MODEL` lists them).")
    var ids: ObjectIDList?

    @Option(help: "The id under a pixel: VIEW:X,Y (VIEW = index, image name or stem; pixels at the training resolution).")
    var pixel: PixelQuery?

    @Option(help: "The ids with more than 70% of their rendered area inside a binary PNG on a view: VIEW:PATH.png.")
    var mask: MaskQuery?

    @Flag(help: "Every object (extract only): one PLY per object, <id>-<name>.ply, and objects.json into the folder --out.")
    var all = false

    @Option(parsing: .unconditional, help: "Select Gaussians whose probability for a selected id exceeds P (default: by their object id).")
    var threshold: Float?

    @Option(help: "Scene folder, when it has moved since training.")
    var scene: String?

    func validate() throws {
        let given = [ids != nil, pixel != nil, mask != nil, all].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --ids, --pixel, --mask, --all") }
        if all && threshold != nil { throw ValidationError("--all takes every object by its id; --threshold does not apply") }
        try OptionCheck.real(threshold, "--threshold", 0...1, openBelow: true, openAbove: true)
    }

    var isPLYFile: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Refuses an output that would replace an input: the PLY itself, or a file the model folder is
    /// made of (its point clouds, cfg.json, the segmentation files, the checkpoint, the log).
    func checkOutputIsNotInput(_ out: String) throws {
        let resolved = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path }
        let (output, source) = (resolved(out), resolved(input))
        let modelFiles = ["cfg.json", "lift.json", "codebook.json", "objects.json", "checkpoint.bin", "train_log.jsonl"]
            .map { source + "/" + $0 }
        guard output == source || output.hasPrefix(source + "/point_cloud/") || modelFiles.contains(output) else { return }
        throw SplatError("the output would replace an input file of \(input); choose another --out", path: out)
    }

    func loadModel() throws -> EditableModel {
        try EditableModel.load(URL(fileURLWithPath: input), scenePath: scene.map { URL(fileURLWithPath: $0) })
    }

    /// Loads the model and resolves the selection: (model, ids, Gaussian mask).
    func select(backend: RasterBackend) throws -> (EditableModel, Set<Int32>, [Bool]) {
        guard !all else { throw SplatError("--all is for extract only") }
        let model = try loadModel()
        let query: ObjectQuery
        if let ids { query = .ids(ids.ids) }
        else if let pixel { query = .pixel(view: pixel.view, x: pixel.x, y: pixel.y) }
        else if let mask { query = .maskFile(view: mask.view, url: URL(fileURLWithPath: mask.path)) }
        else { throw SplatError("no selection given") }
        let selected = try model.resolve(query, backend: backend)
        let gaussians = try model.selectGaussians(ids: selected, threshold: threshold)
        print("selected id(s) \(selected.sorted().map(String.init).joined(separator: ",")): "
              + "\(gaussians.filter { $0 }.count) of \(model.gaussians.count) Gaussians")
        return (model, selected, gaussians)
    }

    /// The plain-PLY path: keep or drop the Gaussians whose object_id is in --ids.
    func editPLY(out: String, _ edit: (GaussianPLY, Set<Int32>, String) throws -> GaussianPLY) throws {
        guard let ids, pixel == nil, mask == nil, threshold == nil else {
            throw SplatError("a PLY file can only be edited with --ids (--pixel, --mask and --threshold need a model folder)", path: input)
        }
        let source = URL(fileURLWithPath: input)
        let ply = try PLYFile.readGaussians(source)
        let edited = try edit(ply, ids.ids, source.path)
        try PLYFile.writeGaussians(edited, to: URL(fileURLWithPath: out))
        print("kept \(edited.gaussians.count) of \(ply.gaussians.count) Gaussians -> \(out)")
    }
}

/// `splatlift extract`: the Gaussians of some objects as a standard 3DGS PLY.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Write the selected object's Gaussians as a standard 3DGS PLY (plus obj_dc_* and object_id).")

    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output PLY (with --all: a new or empty folder).")
    var out: String

    func run() throws {
        try oneLineErrors {
            try selection.checkOutputIsNotInput(out)
            if selection.all {
                let names = try selection.loadModel().writeAllObjects(to: URL(fileURLWithPath: out))
                return print("wrote \(names.count) object PLYs and \(ObjectTable.fileName) to \(out)")
            }
            if selection.isPLYFile { return try selection.editPLY(out: out) { try ObjectEditing.extract($0, ids: $1, path: $2) } }
            let (model, _, gaussians) = try selection.select(backend: CPURasterizer())
            try PLYFile.writeGaussians(try model.extracted(gaussians), to: URL(fileURLWithPath: out))
            print("wrote \(out)")
        }
    }
}

/// `splatlift remove`: the scene without some objects, as a model folder.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Write the scene without the selected object as a new model folder (render it like any model).")

    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output model folder (for a PLY input: an output PLY).")
    var out: String

    func run() throws {
        try oneLineErrors {
            try selection.checkOutputIsNotInput(out)
            if selection.isPLYFile { return try selection.editPLY(out: out) { try ObjectEditing.remove($0, ids: $1, path: $2) } }
            let (model, _, gaussians) = try selection.select(backend: CPURasterizer())
            let folder = try model.writeRemoved(gaussians, to: URL(fileURLWithPath: out))
            print("wrote the model folder \(folder.url.path) (render it with `splatlift render \(out) --out DIR`)")
        }
    }
}

/// `splatlift mesh`: TSDF fusion of the object's rendered depth, then marching cubes.
struct MeshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh",
        abstract: "Mesh the selected object: TSDF fusion of rendered depth over the training views, restricted to the object's rendered ids, then marching cubes (world coordinates).",
        discussion: """
        The grid covers the selected Gaussians' robust bounds (2nd–98th percentile per axis) padded by 15% \
        of their longest side. The default voxel is that longest side / 64; the truncation is 4 voxels.
        """)

    @OptionGroup var selection: SelectionOptions

    @Option(help: "Output mesh: .ply (binary) or .obj.")
    var out: String

    @Option(parsing: .unconditional, help: "Voxel size in world units (default: the object's longest side / 64).")
    var voxel: Double?

    func validate() throws {
        try OptionCheck.real(voxel, "--voxel", 0...1e9, openBelow: true)
    }

    func run() throws {
        try oneLineErrors {
            let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
            guard ext == "ply" || ext == "obj" else { throw SplatError("--out must end in .ply or .obj", path: out) }
            try selection.checkOutputIsNotInput(out)
            let backend = CPURasterizer()
            let (model, ids, gaussians) = try selection.select(backend: backend)
            let result = try model.meshObject(ids: ids, selection: gaussians, options: ObjectMeshOptions(voxelSize: voxel),
                                              backend: backend)
            try MeshWriter.write(result.mesh, to: URL(fileURLWithPath: out))
            print(String(format: "wrote %@: %d vertices, %d triangles (voxel %.4f, %d views)", out, result.mesh.vertexCount,
                         result.mesh.triangleCount, result.voxelSize, result.viewsWithObject))
        }
    }
}
