import ArgumentParser
import Foundation
import SplatTrain

/// Which trained model, point cloud and views `render` and `eval` work on.
struct ModelOptions: ParsableArguments {
    @Argument(help: "Model folder written by `splatlift train`.")
    var model: String

    @Option(name: .long, help: "Which views: test, train or all.")
    var split: ViewSplit = .test

    @Option(name: .long, parsing: .unconditional, help: "Point-cloud iteration to use (default: the latest).")
    var iteration: Int?

    @Option(name: .long, help: "Scene folder, when it has moved since training.")
    var scene: String?

    func validate() throws {
        try OptionCheck.int(iteration, "--iteration", 1...Int.max)
    }

    var folder: ModelFolder { ModelFolder(URL(fileURLWithPath: model)) }

    /// The model folder's configuration, scene and point cloud.
    func load() throws -> TrainedModel {
        try TrainedModel.load(folder, iteration: iteration, scenePath: scene.map { URL(fileURLWithPath: $0) })
    }
}
