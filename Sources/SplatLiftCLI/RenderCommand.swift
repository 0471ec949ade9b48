import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster
import SplatTrain

extension ViewSplit: ExpressibleByArgument {}

/// `splatlift render MODEL --out DIR`: renders the scene's views from a trained model as PNGs.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a trained model from the scene's cameras to PNG files.")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Flag(name: .long, help: "Also write <name>_ids.png (16-bit object ids) and <name>_overlay.png (ids coloured over the render).")
    var segmentation = false

    @Flag(name: .long, help: "With --segmentation, also write <name>_features.npy: the rendered identity features, float32 (16, H, W).")
    var features = false

    func run() throws {
        try oneLineErrors {
            let trained = try options.load()
            let split = options.split
            let outURL = URL(fileURLWithPath: out)
            if segmentation {
                guard let segmented = try SegmentedModel.load(trained) else {
                    throw SplatError("the model was trained without segmentation (no lift.json)", path: trained.folder.url.path)
                }
                let written = try Self.writeSegmentation(segmented, split: split, to: outURL, features: features,
                                                         backend: CPURasterizer())
                print("wrote \(written) renders, id maps and overlays of iteration \(trained.iteration) to \(outURL.path)")
                return
            }
            if features { throw SplatError("--features needs --segmentation") }
            let written = try Self.writeColorImages(trained, split: split, to: outURL, backend: CPURasterizer())
            print("wrote \(written) images of iteration \(trained.iteration) to \(outURL.path)")
        }
    }

    /// The view's output name (`Scene.outputNames`), its sub-folder in `dir` created when it has one.
    static func outputName(_ scene: Scene, _ index: Int, in dir: URL) throws -> String {
        let name = scene.outputNames[index]
        if name.contains("/") {
            let folder = dir.appendingPathComponent(name).deletingLastPathComponent()
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw SplatError("cannot create the output folder: \(error.localizedDescription)", path: folder.path)
            }
        }
        return name
    }

    /// One colour PNG per view, named after the photo (`<stem>.png`; `train/r_0.png` when stems
    /// repeat, see `Scene.outputNames`).
    static func writeColorImages(_ trained: TrainedModel, split: ViewSplit, to dir: URL, backend: RasterBackend) throws -> Int {
        let indices = split.indices(in: trained.scene)
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw SplatError("cannot create the output folder: \(error.localizedDescription)", path: dir.path)
        }
        for index in indices {
            let output = backend.render(trained.gaussians, camera: trained.camera(ofView: index),
                                        options: trained.renderOptions())
            let name = try outputName(trained.scene, index, in: dir)
            try ImageIO.writePNG(RGBImage(width: output.width, height: output.height, pixels: output.color),
                                 to: dir.appendingPathComponent(name + ".png"))
        }
        return indices.count
    }

    /// Per view: `<stem>.png` (colour), `<stem>_ids.png` (16-bit argmax ids) and `<stem>_overlay.png`;
    /// with `features`, `<stem>_features.npy` (planar d×H×W float32). `<stem>` keeps the photo's
    /// sub-folder when another view has the same stem (`Scene.outputNames`).
    static func writeSegmentation(_ segmented: SegmentedModel, split: ViewSplit, to dir: URL, features: Bool = false,
                                  backend: RasterBackend) throws -> Int {
        let trained = segmented.model
        let indices = split.indices(in: trained.scene)
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw SplatError("cannot create the output folder: \(error.localizedDescription)", path: dir.path)
        }
        for index in indices {
            let (output, ids) = try segmented.render(view: index, backend: backend)
            let name = try outputName(trained.scene, index, in: dir)
            let color = RGBImage(width: output.width, height: output.height, pixels: output.color)
            try ImageIO.writePNG(color, to: dir.appendingPathComponent(name + ".png"))
            try ImageIO.writeLabelMap(LabelMap(width: output.width, height: output.height, labels: ids),
                                      to: dir.appendingPathComponent(name + "_ids.png"))
            try ImageIO.writePNG(try SegmentationOverlay.overlay(color, ids: ids),
                                 to: dir.appendingPathComponent(name + "_overlay.png"))
            if features {
                try NPYWriter.write(output.features, shape: [output.features.count / (output.width * output.height),
                                                             output.height, output.width],
                                    to: dir.appendingPathComponent(name + "_features.npy"))
            }
        }
        return indices.count
    }
}
