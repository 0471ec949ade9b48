import ArgumentParser
import Foundation
import SplatPipeline

/// `splatlift demo`: the whole pipeline on a generated scene, with a report.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a scene, train RGB + segmentation jointly, evaluate, extract / remove / mesh an object, write a report.",
        discussion: """
        Writes DIR/scene (SplatSynth), DIR/model, DIR/renders (per test view: _rgb, _ids and _gt overlays, \
        _object alone, _removed), DIR/object.ply, DIR/model-without-object, DIR/object-mesh.ply, \
        DIR/report.md and DIR/report.json. The object is the largest non-background GT object whose \
        shape is a sphere or a box (else the largest), mapped to its predicted ids on a training view.
        """)

    @Option(help: "Output folder.")
    var out: String = "demo-out"

    @Option(help: "Use this scene (with sam_masks/, gt_instance/, scene.json) instead of generating one.")
    var scene: String?

    @Option(help: "SplatSynth preset of the generated scene.")
    var preset: String = "demo"

    @Option(parsing: .unconditional, help: "Random seed of the generated scene.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Joint training iterations.")
    var iterations: Int = DemoOptions(out: URL(fileURLWithPath: ".")).iterations

    @Option(name: [.customShort("r"), .long], parsing: .unconditional, help: "Downscale the images by this integer factor for training.")
    var resolution: Int = 1

    @Option(parsing: .unconditional, help: "Densification stops after this iteration (keeps the demo fast).")
    var densifyUntil: Int = DemoOptions(out: URL(fileURLWithPath: ".")).densifyUntil

    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores).")
    var threads: Int = 0

    @Option(parsing: .unconditional, help: "Mesh voxel size (default: the object's longest side / 64).")
    var voxel: Double?

    func validate() throws {
        try OptionCheck.int(iterations, "--iterations", 1...100_000_000)
        try OptionCheck.int(resolution, "--resolution", OptionCheck.downscale)
        try OptionCheck.int(densifyUntil, "--densify-until", 0...Int.max)
        try OptionCheck.int(threads, "--threads", OptionCheck.threads)
        try OptionCheck.real(voxel, "--voxel", 0...1e9, openBelow: true)
    }

    func run() throws {
        try oneLineErrors {
            let start = Date()
            var options = DemoOptions(out: URL(fileURLWithPath: out))
            options.scene = scene.map { URL(fileURLWithPath: $0) }
            options.preset = preset
            options.seed = seed
            options.iterations = iterations
            options.threads = threads
            options.resolution = resolution
            options.densifyUntil = densifyUntil
            options.voxelSize = voxel
            let report = try Demo.run(options)
            print("")
            print(Demo.markdown(report))
            print(String(format: "demo finished in %.1f s; report: %@/report.md", Date().timeIntervalSince(start), out))
        }
    }
}
