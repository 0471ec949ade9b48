import ArgumentParser
import Foundation
import SplatIO
import SplatMath
import SplatRaster

/// `splatlift bench raster`: per-stage times of the CPU rasterizer on a seeded random scene.
struct BenchRasterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raster",
        abstract: "Time projection, binning, forward and backward of the CPU rasterizer on a random scene.",
        discussion: """
        Renders a seeded random scene of 3D Gaussians inside the view frustum (RGB plus --channels \
        feature channels, SH degree 3) and back-propagates random upstream gradients into colour and \
        features. Prints the median (and minimum) milliseconds per stage over --repeat runs after one \
        warm-up, and Gaussian-pixel evaluations per second. Other load on the machine slows it down: \
        the 1-minute load average is printed alongside, and the cpu* rows give the process CPU time \
        of each stage (summed over threads), which other load affects much less. Then, unless \
        --no-roofline, it measures this machine's Float FMA peak (a register-resident SIMD8 FMA loop on \
        all threads) and memory bandwidth (streaming read and triad over 256 MB buffers) and prints each \
        stage's estimated FLOP/s and bytes/s as fractions of them (docs/PERFORMANCE.md). --sweep \
        measures how a training step's time and memory grow with the Gaussians and the image size.
        """
    )

    @Option(parsing: .unconditional, help: "Number of Gaussians.") var gaussians = 100_000
    @Option(parsing: .unconditional, help: "Image width in pixels.") var width = 400
    @Option(parsing: .unconditional, help: "Image height in pixels.") var height = 300
    @Option(parsing: .unconditional, help: "Extra feature channels blended besides RGB (0 = colour only).") var channels = 16
    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores, 1 = the calling thread only).") var threads = 0
    @Option(parsing: .unconditional, help: "Scene seed.") var seed: UInt64 = 1
    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Timed runs after one warm-up.") var repeats = 5
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Flag(inversion: .prefixedNo,
          help: "Also measure this machine's FMA peak and memory bandwidth and print each stage's share of them.")
    var roofline = true
    @Flag(help: """
        Instead, time a whole training step (render, loss, backward, Adam; RGB only) and measure its \
        memory for 10k to 1M Gaussians at 320×240, 640×480 and 1280×720 (--repeat steps each).
        """)
    var sweep = false
    @Option(help: ArgumentHelp("""
        Also write the random scene as a standard 3DGS PLY (the feature channels as obj_dc_*), so \
        another renderer can draw the same Gaussians (scripts/bench_peers.py); the camera is a 60° \
        pinhole at the origin looking down +z, focal length width / (2 tan 30°).
        """, valueName: "ply"))
    var writeScene: String?

    func validate() throws {
        try OptionCheck.int(gaussians, "--gaussians", 1...(1 << 27))
        try OptionCheck.int(width, "--width", 1...OptionCheck.maxSide)
        try OptionCheck.int(height, "--height", 1...OptionCheck.maxSide)
        try OptionCheck.int(channels, "--channels", 0...256)
        try OptionCheck.int(threads, "--threads", OptionCheck.threads)
        try OptionCheck.int(repeats, "--repeat", 1...100_000)
    }

    func run() throws {
        if sweep { return try runSweep() }
        let camera = BenchmarkScene.camera(width: width, height: height)
        let scene = BenchmarkScene.gaussians(count: gaussians, camera: camera, featureCount: channels, seed: seed)
        if let writeScene {
            try oneLineErrors { try PLYFile.writeGaussians(GaussianPLY(gaussians: scene), to: URL(fileURLWithPath: writeScene)) }
        }
        var options = RenderOptions()
        options.renderFeatures = channels > 0
        options.threads = threads
        var rng = SplatRandom(seed: seed &+ 1)
        let hw = width * height
        let upstream = RenderUpstream(color: (0..<3 * hw).map { _ in Float(rng.normal()) },
                                      features: channels > 0 ? (0..<channels * hw).map { _ in Float(rng.normal()) } : nil)
        let rasterizer = CPURasterizer()
        var gradients = GaussianGradients(count: gaussians, featureCount: channels)
        var runs: [RasterTimings] = []
        for run in 0...repeats {
            _ = rasterizer.render(scene, camera: camera, options: options)
            rasterizer.backward(scene, upstream: upstream, into: &gradients)
            if run > 0 { runs.append(rasterizer.lastTimings) }
        }
        let stats = rasterizer.lastStats
        func median(_ f: (RasterTimings) -> Double) -> Double { medianValue(runs.map(f)) }
        func minimum(_ f: (RasterTimings) -> Double) -> Double { runs.map(f).min() ?? 0 }
        let stages: [(String, (RasterTimings) -> Double)] = [
            ("project", { $0.project }), ("bin", { $0.bin }), ("forward", { $0.forward }),
            ("backward", { $0.backward }), ("backwardRaster", { $0.backwardRaster }),
            ("backwardProject", { $0.backwardProject }),
            ("projectPlusBin", { $0.project + $0.bin }), ("forwardPlusBackward", { $0.forward + $0.backward }),
            ("total", { $0.project + $0.bin + $0.forward + $0.backward }),
            ("cpuProject", { $0.cpuProject }), ("cpuBin", { $0.cpuBin }), ("cpuForward", { $0.cpuForward }),
            ("cpuBackward", { $0.cpuBackwardRaster + $0.cpuBackwardProject }),
            ("cpuBackwardRaster", { $0.cpuBackwardRaster }), ("cpuBackwardProject", { $0.cpuBackwardProject }),
        ]
        let forwardRate = Double(stats.forwardEvaluations) / (median { $0.forward } / 1000)
        let backwardRate = Double(stats.backwardEvaluations) / (median { $0.backwardRaster } / 1000)
        let load = loadAverage()
        let effectiveThreads = effectiveThreadCount(threads)
        let report = roofline ? RasterRooflineReport(
            peaks: RasterRooflineReport.measure(threads: effectiveThreads),
            model: RasterWorkModel(gaussians: gaussians, visible: stats.visible, tileEntries: stats.tileEntries,
                                   pixels: hw, channels: channels, forwardEvaluations: stats.forwardEvaluations,
                                   backwardEvaluations: stats.backwardEvaluations),
            medians: (median { $0.project }, median { $0.bin }, median { $0.forward }, median { $0.backwardRaster },
                      median { $0.backwardProject })) : nil

        if json {
            var object: [String: Any] = [
                "gaussians": gaussians, "width": width, "height": height, "channels": channels,
                "threads": effectiveThreads, "seed": seed, "repeat": repeats, "loadAverage1m": load,
                "visible": stats.visible, "tileEntries": stats.tileEntries,
                "forwardEvaluations": stats.forwardEvaluations, "backwardEvaluations": stats.backwardEvaluations,
                "forwardEvaluationsPerSecond": forwardRate, "backwardEvaluationsPerSecond": backwardRate,
            ]
            var medians: [String: Double] = [:], minimums: [String: Double] = [:]
            for (name, f) in stages { medians[name] = median(f); minimums[name] = minimum(f) }
            object["medianMilliseconds"] = medians
            object["minMilliseconds"] = minimums
            if let report { object["roofline"] = report.json }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("bench raster: \(gaussians) Gaussians, \(width)×\(height), 3 + \(channels) channels, "
              + "\(effectiveThreads) thread(s), seed \(seed), load average \(String(format: "%.2f", load))")
        print("  visible \(stats.visible), tile entries \(stats.tileEntries)")
        for (name, f) in stages {
            print("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + String(format: "%8.1f ms  (min %.1f)", median(f), minimum(f)))
        }
        print(String(format: "  forward  %.3g Gaussian-pixel evaluations/s (%d per view)", forwardRate, stats.forwardEvaluations))
        print(String(format: "  backward %.3g Gaussian-pixel evaluations/s (%d per view, tile pass)", backwardRate,
                     stats.backwardEvaluations))
        report?.printText()
    }
}
