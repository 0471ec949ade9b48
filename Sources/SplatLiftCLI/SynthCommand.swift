import ArgumentParser
import Foundation
import SplatSynth

/// `splatlift synth`: writes a procedural room scene with GT instances and simulated SAM masks.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic multi-view scene (room + objects, GT instances, simulated SAM masks).",
        discussion: """
        Writes images/, gt_instance/, sam_masks/, depth/, sparse/0 (COLMAP text + binary), sparse_pc.ply, \
        transforms.json, split.json and scene.json. The same options and seed give byte-identical files.
        """
    )

    @Option(help: "Output scene folder (created if missing).")
    var out: String

    @Option(help: "Size preset: \(SynthConfig.presetNames.joined(separator: ", ")).")
    var preset: String = "demo"

    @Option(parsing: .unconditional, help: "Random seed.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Image width in pixels (overrides the preset).")
    var width: Int?

    @Option(parsing: .unconditional, help: "Image height in pixels (overrides the preset).")
    var height: Int?

    @Option(parsing: .unconditional, help: "Number of views (overrides the preset).")
    var views: Int?

    @Option(parsing: .unconditional, help: "Number of objects (overrides the preset).")
    var objects: Int?

    @Option(parsing: .unconditional, help: "Target number of points3D (overrides the preset).")
    var points: Int?

    @Option(parsing: .unconditional, help: "RGB supersampling grid size (overrides the preset).")
    var ss: Int?

    @Option(parsing: .unconditional, help: "Multiply every SAM corruption rate (0 = clean masks, still relabelled per view).")
    var corruptionScale: Double = 1

    func validate() throws {
        // Sizes are checked by SynthConfig.validate, but for the point count (allocated up front).
        try OptionCheck.int(points, "--points", 0...(1 << 24))
        try OptionCheck.real(corruptionScale, "--corruption-scale", 0...1e6)
    }

    func run() throws {
        var cfg = try SynthConfig.preset(preset, seed: seed)
        if let width { cfg.width = width }
        if let height { cfg.height = height }
        if let views { cfg.views = views }
        if let objects { cfg.objects = objects }
        if let points { cfg.points = points }
        if let ss { cfg.supersampling = ss }
        guard corruptionScale >= 0, corruptionScale.isFinite else {
            throw ValidationError("--corruption-scale must be a finite number >= 0")
        }
        cfg.samRates = cfg.samRates.scaled(by: corruptionScale)
        let start = Date()
        let scene = try SceneGenerator.generate(cfg)
        let generated = Date()
        try SceneWriter.write(scene, to: URL(fileURLWithPath: out))
        let masks = Double(scene.sam.reduce(0) { $0 + $1.provenance.count }) / Double(cfg.views)
        print("synth: preset=\(cfg.preset) seed=\(cfg.seed) \(cfg.width)x\(cfg.height) views=\(cfg.views) "
            + "(train \(cfg.trainViews.count)/test \(cfg.testViews.count)) instances=\(scene.scene.instances.count) "
            + "(objects \(scene.scene.objects.count)) points3D=\(scene.points.xyz.count) "
            + "sam masks/view=\(String(format: "%.1f", masks)) "
            + "time=\(String(format: "%.1f", Date().timeIntervalSince(start)))s "
            + "(generate \(String(format: "%.1f", generated.timeIntervalSince(start)))s) -> \(out)")
    }
}
