import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath

/// `splatlift bench lift SCENE`: per-stage times of the Unified-Lift objective on a scene's masks.
struct BenchLiftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift",
        abstract: "Time the stages of the Unified-Lift objective on a scene's training masks.",
        discussion: """
        Loads the training views' 2D masks (object_mask/ or sam_masks/) at -r, builds feature maps \
        that look like trained ones (one seeded random unit direction per mask, plus noise), and runs \
        --steps objective steps (the codebook learns as in training). Prints the median (and minimum) \
        milliseconds per stage over the steps after one warm-up step per view, and the load average.
        """
    )

    @Argument(help: "Scene folder with a masks folder.") var scene: String
    @Option(name: .shortAndLong, parsing: .unconditional, help: "Downscale the masks by this integer factor.") var resolution = 1
    @Option(parsing: .unconditional, help: "Timed objective steps.") var steps = 50
    @Option(parsing: .unconditional, help: "Random seed of the feature maps and the objective.") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Option(parsing: .unconditional, help: ArgumentHelp(LiftConfig.Help.codebookPixels, valueName: "pixels"))
    var codebookPixels = LiftConfig().codebookPixels
    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores).") var threads = 0

    func validate() throws {
        try OptionCheck.int(resolution, "--resolution", OptionCheck.downscale)
        try OptionCheck.int(codebookPixels, "--codebook-pixels", 0...Int.max)
        try OptionCheck.int(steps, "--steps", 1...1_000_000)
        try OptionCheck.int(threads, "--threads", OptionCheck.threads)
    }

    func run() throws {
        try oneLineErrors {
            let url = URL(fileURLWithPath: scene)
            let loaded = try SceneLoader.load(url, options: SceneLoadOptions(background: .zero, requireMasks: true))
            let maps = try LiftTrainingLabels.load(from: loaded, indices: loaded.trainIndices, downscale: resolution)
            var config = LiftConfig()
            config.seed = seed
            config.codebookPixels = codebookPixels
            let objective = try LiftObjective(config: config, labelMaps: maps)
            objective.threads = threads
            let features = maps.enumerated().map { Self.featureMap(for: $0.element, seed: seed &+ UInt64($0.offset)) }
            var gradient: [Float] = []
            var runs: [LiftTimings] = []
            for step in 0..<(maps.count + steps) {
                let view = step % maps.count
                _ = try objective.step(iteration: step + 1, viewIndex: view, features: features[view],
                                       width: maps[view].width, height: maps[view].height, featureGradient: &gradient)
                if step >= maps.count { runs.append(objective.lastTimings) }
            }
            report(runs, views: maps.count, width: maps[0].width, height: maps[0].height)
        }
    }

    /// Planar 16·H·W features: a random unit direction per label value, scaled to norm 1, plus
    /// N(0, 0.1²) noise per channel.
    static func featureMap(for map: LabelMap, seed: UInt64, featureCount d: Int = 16) -> [Float] {
        var rng = SplatRandom(seed: seed)
        var directions: [Int32: [Float]] = [:]
        for label in Set(map.labels).sorted() {
            var v = (0..<d).map { _ in Float(rng.normal()) }
            let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
            v = v.map { $0 / norm }
            directions[label] = v
        }
        let n = map.width * map.height
        var features = [Float](repeating: 0, count: d * n)
        for u in 0..<n {
            let direction = directions[map.labels[u]] ?? [Float](repeating: 0, count: d)
            for j in 0..<d { features[j * n + u] = direction[j] + 0.1 * Float(rng.normal()) }
        }
        return features
    }

    private func report(_ runs: [LiftTimings], views: Int, width: Int, height: Int) {
        // Per stage (pipeline order, then the total): median and minimum milliseconds over the runs.
        let names = LiftTimings().stages.map(\.0) + ["total"]
        let columns = names.indices.map { i in
            runs.map { i < names.count - 1 ? $0.stages[i].1 * 1e3 : $0.total * 1e3 }
        }
        let medians = columns.map(medianValue), minimums = columns.map { $0.min() ?? 0 }
        let load = loadAverage()
        if json {
            let object: [String: Any] = [
                "scene": scene, "views": views, "width": width, "height": height, "steps": steps, "seed": seed, "threads": threads,
                "loadAverage1m": load,
                "medianMilliseconds": Dictionary(uniqueKeysWithValues: zip(names, medians)),
                "minMilliseconds": Dictionary(uniqueKeysWithValues: zip(names, minimums)),
            ]
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        print("bench lift: \(URL(fileURLWithPath: scene).lastPathComponent), \(views) training masks at \(width)x\(height), "
              + "\(steps) steps, \(threads == 0 ? "all cores" : "\(threads) thread(s)"), load average \(String(format: "%.2f", load))")
        for (i, name) in names.enumerated() {
            print("  " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%8.2f ms  (min %.2f)", medians[i], minimums[i]))
        }
    }
}
