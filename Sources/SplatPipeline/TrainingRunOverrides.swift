import Foundation
import SplatMath
import SplatTrain

extension TrainingRun {
    /// Settings given on top of a run's configuration (the `train` options). A fresh run applies
    /// them to `TrainingRun.config`; a resumed run to the folder's `cfg.json`, where the settings
    /// that shaped the model so far must keep their values.
    public struct Overrides: Sendable, Equatable {
        // Fixed once a model exists: --resume may repeat them, not change them.
        public var resolution: Int?
        public var seed: UInt64?
        public var background: BackgroundMode?
        public var distantPoints: Int?
        public var identityFeatureLR: Double?
        public var identityFeatureLRFinal: Double?
        // Any run.
        public var images: URL?
        public var sparse: URL?
        public var iterations: Int?
        public var checkpointInterval: Int?
        public var threads: Int?

        public init() {}

        /// `config` (the fresh run's, or the resumed model's `cfg.json` when `resuming`) with these
        /// settings and the scene applied; throws naming the first option --resume may not change.
        func applied(to config: TrainConfig, scene: URL, resuming: Bool) throws -> TrainConfig {
            var config = config
            func fixed<V: Equatable>(_ value: V?, _ setting: WritableKeyPath<TrainConfig, V>, _ option: String,
                                     _ describe: (V) -> String = { "\($0)" }) throws {
                guard let value else { return }
                if !resuming {
                    config[keyPath: setting] = value
                } else if value != config[keyPath: setting] {
                    throw SplatError("--resume cannot change \(option) (the model used \(describe(config[keyPath: setting])))")
                }
            }
            try fixed(resolution, \.resolution, "-r")
            try fixed(seed, \.seed, "--seed")
            try fixed(background, \.background, "--background") { $0.rawValue }
            try fixed(distantPoints, \.distantPoints, "--distant-points")
            try fixed(identityFeatureLR, \.identityFeatureLR, "--feature-lr")
            try fixed(identityFeatureLRFinal.map { Optional($0) }, \.identityFeatureLRFinal, "--feature-lr-final") {
                $0.map { "\($0)" } ?? "a constant rate"
            }
            config.scenePath = scene.standardizedFileURL.path
            if let images { config.imagesPath = images.standardizedFileURL.path }
            if let sparse { config.sparsePath = sparse.standardizedFileURL.path }
            if let iterations { config.iterations = iterations }
            if let checkpointInterval { config.checkpointInterval = checkpointInterval }
            if let threads { config.threads = threads }
            try config.validate()
            return config
        }
    }
}
