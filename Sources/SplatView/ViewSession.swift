import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatPipeline
import SplatRaster

/// The opened model behind the server: every route asks it, one request at a time (the CPU
/// rasterizer keeps scratch buffers). Renders, extracts and removes through the library, as the
/// `render`, `extract` and `remove` commands do.
actor ViewSession {
    let model: ViewedModel
    let cameras: [ViewCameras.Entry]
    let scene: SceneDescription
    let objects: ObjectList
    /// The Gaussian buffer, encoded once (`GaussianBuffer`).
    let gaussianBuffer: Data
    private let backend = CPURasterizer()

    init(opening url: URL) throws {
        model = try ViewedModel.load(url)
        cameras = ViewCameras.of(model)
        scene = SceneDescription(model, cameras: cameras)
        objects = ObjectList(model)
        gaussianBuffer = GaussianBuffer.encode(model.gaussians, objectIDs: model.objectIDs ?? [])
    }

    /// A scene view by index or image name.
    func camera(named text: String) throws -> PinholeCamera {
        if let index = Int(text), cameras.indices.contains(index) { return cameras[index].camera }
        if let entry = cameras.first(where: { $0.name == text }) { return entry.camera }
        throw ViewError.notFound("no camera '\(text)': give an index 0..<\(cameras.count) or an image name")
    }

    /// The CPU rasterizer's render of `camera` as a PNG: colour (SH degree `shDegree`, default the
    /// model's) or the 16-bit object ids of `ObjectIDRendering` (the rule of `render --segmentation`).
    func renderPNG(_ camera: PinholeCamera, layer: RenderLayer, shDegree: Int?) throws -> Data {
        if let shDegree, !(0...3).contains(shDegree) { throw ViewError.badRequest("sh must be 0...3, got \(shDegree)") }
        switch layer {
        case .color:
            var options = renderOptions
            if let shDegree { options.activeSHDegree = min(shDegree, options.activeSHDegree) }
            let output = backend.render(model.gaussians, camera: camera, options: options)
            return try ImageIO.encodedPNG(RGBImage(width: output.width, height: output.height, pixels: output.color),
                                          path: "render")
        case .ids:
            guard let objectIDs = model.objectIDs else { throw ViewError.badRequest("the model has no object ids") }
            let ids = try ObjectIDRendering.pixelIDs(model.gaussians, objectIDs: objectIDs, camera: camera,
                                                     backend: backend, threads: renderOptions.threads)
            return try ImageIO.encodedLabelMap(LabelMap(width: camera.width, height: camera.height, labels: ids.map { max($0, 0) }),
                                               path: "render")
        }
    }

    private var renderOptions: RenderOptions {
        switch model {
        case .folder(let trained, _): return trained.renderOptions()
        case .ply(_, let ply):
            var options = RenderOptions()
            options.activeSHDegree = ply.gaussians.shDegree
            return options
        }
    }

    /// The Gaussians of objects `ids` as a standard 3DGS PLY (the bytes `splatlift extract --ids` writes).
    func extractPLY(ids: [Int32]) throws -> Data {
        let ids = try knownIDs(ids)
        switch model {
        case .folder(_, let editable?):
            let selection = try editable.selectGaussians(ids: try editable.resolve(.ids(ids), backend: backend))
            return try PLYFile.encodedGaussians(try editable.extracted(selection), path: "extract")
        case .ply(let url, let ply):
            return try PLYFile.encodedGaussians(try ObjectEditing.extract(ply, ids: ids, path: url.path), path: "extract")
        case .folder(_, nil):
            throw ViewError.badRequest("the model has no objects")
        }
    }

    /// Writes the model without objects `ids` beside the opened one, as `splatlift remove --ids`
    /// does: a model folder named `name` (a PLY for a PLY input). Never replaces anything.
    func remove(ids: [Int32], name: String?) throws -> RemovedModel {
        let ids = try knownIDs(ids)
        let suffix = "without-" + ids.sorted().map(String.init).joined(separator: "-")
        let isPLY: Bool = if case .ply = model { true } else { false }
        let stem = model.url.deletingPathExtension().lastPathComponent
        let fileName = try Self.safeName(name ?? "\(stem)-\(suffix)" + (isPLY ? ".ply" : ""))
        let out = model.url.deletingLastPathComponent().appendingPathComponent(fileName)
        guard !FileManager.default.fileExists(atPath: out.path) else {
            throw ViewError(.conflict, "\(out.path) exists; choose another name")
        }
        switch model {
        case .folder(_, let editable?):
            let selection = try editable.selectGaussians(ids: try editable.resolve(.ids(ids), backend: backend))
            try editable.writeRemoved(selection, to: out)
            return RemovedModel(path: out.path, gaussians: selection.filter { !$0 }.count)
        case .ply(let url, let ply):
            let kept = try ObjectEditing.remove(ply, ids: ids, path: url.path)
            try PLYFile.writeGaussians(kept, to: out)
            return RemovedModel(path: out.path, gaussians: kept.gaussians.count)
        case .folder(_, nil):
            throw ViewError.badRequest("the model has no objects")
        }
    }

    /// `ids` as a set, when every one names an object.
    private func knownIDs(_ ids: [Int32]) throws -> Set<Int32> {
        guard !ids.isEmpty else { throw ViewError.badRequest("give at least one object id") }
        let known = Set(objects.objects.map { Int32($0.id) })
        let unknown = ids.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw ViewError.notFound("no object has id \(unknown.map(String.init).joined(separator: ", "))")
        }
        return Set(ids)
    }

    /// A file name without folders: no '/', no '..', not hidden.
    static func safeName(_ name: String) throws -> String {
        guard !name.isEmpty, !name.contains("/"), !name.contains(".."), !name.hasPrefix("."), name.count <= 200 else {
            throw ViewError.badRequest("out must be a plain folder name (no '/', no '..'), got '\(name)'")
        }
        return name
    }
}

/// The answer of `POST /api/remove`.
struct RemovedModel: Encodable {
    var path: String
    var gaussians: Int
}
