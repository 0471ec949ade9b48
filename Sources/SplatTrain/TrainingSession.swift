import Foundation
import SplatMath

/// How a session ended.
public enum TrainingOutcome: Sendable, Equatable {
    case finished(iteration: Int)
    /// Stopped by the stop flag (Ctrl-C) after saving a checkpoint and the point cloud.
    case interrupted(iteration: Int)
}

/// Runs a `Trainer` to the end inside a model folder: JSONL log, progress, atomic checkpoints
/// every `checkpointInterval` iterations and at the end, point clouds at `saveIterations` and at
/// the end, a clean stop with a checkpoint when `stop` is set, and a clear error (keeping the last
/// good checkpoint) when training diverges.
public final class TrainingSession {
    public let trainer: Trainer
    public let folder: ModelFolder
    public private(set) var totalTimings = StageTimings()
    public private(set) var timedSteps = 0
    private let log: TrainingLog
    private var seconds: Double
    private let progress: ProgressReporter
    private let stop: StopFlag
    private let writePointCloud: (GaussianParams, URL) throws -> Void
    private var lastCheckpointIteration: Int?

    /// `resumed` says the trainer's state came from the folder's checkpoint (the log is then
    /// trimmed to it and continued). `writePointCloud` writes a PLY (the CLI passes SplatIO's writer).
    public init(trainer: Trainer, folder: ModelFolder, resumed: Bool, stop: StopFlag, progress: ProgressReporter,
                writePointCloud: @escaping (GaussianParams, URL) throws -> Void) throws {
        self.trainer = trainer
        self.folder = folder
        self.stop = stop
        self.progress = progress
        self.writePointCloud = writePointCloud
        (log, seconds) = try TrainingLog.open(folder.logURL, keepingThrough: resumed ? trainer.state.iteration : nil)
        lastCheckpointIteration = resumed ? trainer.state.iteration : nil
    }

    /// Trains until `config.iterations` or until stopped.
    public func run() throws -> TrainingOutcome {
        let config = trainer.config
        while !trainer.isFinished {
            if stop.isSet(atIteration: trainer.state.iteration) {
                try savePointCloud()
                try saveCheckpoint()
                return .interrupted(iteration: trainer.state.iteration)
            }
            let start = Stopwatch.now()
            let report: StepReport
            do { report = try trainer.step() } catch let error as TrainingDivergedError {
                let kept = lastCheckpointIteration.map { "the last good checkpoint (iteration \($0)) is kept in \(folder.checkpointURL.path)" }
                    ?? "no checkpoint had been written yet"
                throw SplatError("\(error.description); training stopped, \(kept)")
            }
            seconds += Stopwatch.now() - start
            totalTimings += report.timings
            timedSteps += 1
            try log.append(report, seconds: seconds)
            progress.record(report, now: Stopwatch.now())
            let iteration = report.iteration
            if config.saveIterations.contains(iteration) && iteration < config.iterations {
                try savePointCloud()
            }
            if config.checkpointInterval > 0 && iteration % config.checkpointInterval == 0 && iteration < config.iterations {
                try saveCheckpoint()
            }
        }
        let iteration = trainer.state.iteration
        try savePointCloud()
        try saveCheckpoint()
        return .finished(iteration: iteration)
    }

    /// Writes `point_cloud/iteration_N/point_cloud.ply` for the current iteration.
    public func savePointCloud() throws {
        let url = folder.pointCloudURL(iteration: trainer.state.iteration)
        do { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
            throw SplatError("cannot create the point-cloud folder: \(error.localizedDescription)", path: url.path)
        }
        try writePointCloud(trainer.state.gaussians, url)
    }

    /// Writes `checkpoint.bin` atomically from the trainer's current state.
    public func saveCheckpoint() throws {
        let objectiveState = try trainer.objective?.checkpointState() ?? []
        try TrainCheckpoint(state: trainer.state, objectiveState: objectiveState).write(to: folder.checkpointURL)
        lastCheckpointIteration = trainer.state.iteration
    }

    /// Mean seconds per step and stage over this session.
    public var meanTimings: StageTimings { totalTimings.mean(over: timedSteps) }

}
