import Foundation
import SplatTestSupport
import Testing

/// Faults during training (#18 item 3), on real `splatlift train` child processes: SIGKILL at
/// random moments then --resume ends with the same bytes as an uninterrupted run; SIGINT and
/// SIGTERM save a checkpoint and exit 130 and 143; a full disk gives a one-line error and keeps
/// the last checkpoint. docs/RELIABILITY.md lists what each test holds.
@Suite(.serialized) struct TrainingFaultTests {
    static let iterations = 40
    /// A segmented run (the codebook state is checkpointed too) with a checkpoint every 4 steps.
    static func trainArguments(_ scene: URL, _ out: URL) -> [String] {
        ["train", scene.path, "--out", out.path, "--iterations", "\(iterations)", "--checkpoint-every", "4", "--threads", "1"]
    }

    /// The final point cloud of an uninterrupted run and the run's wall time (made once per test
    /// process; the kills fall inside that time, however loaded the machine is).
    static let reference: Result<(cloud: Data, seconds: Double), Error> = Result {
        let out = try TestData.temporaryDirectory("reference").appendingPathComponent("model")
        let start = Date()
        let run = try CLIRun(trainArguments(try TestScenes.tiny(), out))
        guard run.status == 0 else { throw TrainingChild.Failure("the reference run failed: \(run.stderr)") }
        return (try Data(contentsOf: finalCloud(out)), Date().timeIntervalSince(start))
    }

    static func finalCloud(_ model: URL) -> URL {
        model.appendingPathComponent("point_cloud/iteration_\(iterations)/point_cloud.ply")
    }

    @Test func killedAtRandomMomentsThenResumedGivesTheSameBytes() throws {
        let (expected, seconds) = try Self.reference.get()
        let scene = try TestScenes.tiny()
        let out = try TestData.temporaryDirectory("killed").appendingPathComponent("model")
        let checkpoint = out.appendingPathComponent("checkpoint.bin")
        // Each kill falls in the first half of a whole run's time, so a resumed run (with fewer
        // iterations left) is usually still training; one that has finished ends the loop.
        var delays: [Double] = []
        var kills = 0
        while kills < 4 {
            let resuming = FileManager.default.fileExists(atPath: checkpoint.path)
            let child = try TrainingChild(Self.trainArguments(scene, out) + (resuming ? ["--resume"] : ["--overwrite"]))
            let delay = Double.random(in: 0.1 * seconds...0.5 * seconds)
            if child.exits(within: delay) {
                #expect(child.status == 0, "\(child.stderr)")
                break
            }
            delays.append(delay)
            child.send(SIGKILL)
            #expect(child.exits(within: 30) && child.crashed)
            kills += 1
        }
        #expect(kills >= 2, "only \(kills) kill(s) landed before the run ended (delays \(delays) s)")
        if !FileManager.default.fileExists(atPath: Self.finalCloud(out).path) {
            let resuming = FileManager.default.fileExists(atPath: checkpoint.path)
            let last = try CLIRun(Self.trainArguments(scene, out) + (resuming ? ["--resume"] : ["--overwrite"]))
            #expect(last.status == 0, "after kills at \(delays) s: \(last.stderr)")
        }
        let resumed = try Data(contentsOf: Self.finalCloud(out))
        #expect(resumed == expected, "the final PLY differs from the uninterrupted run's (kills at \(delays) s)")
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func stopSignalSavesACheckpointAndExits(_ signal: Int32, _ status: Int32) throws {
        let expected = try Self.reference.get().cloud
        let scene = try TestScenes.tiny()
        let out = try TestData.temporaryDirectory("signal").appendingPathComponent("model")
        let child = try TrainingChild(Self.trainArguments(scene, out))
        // The handlers are installed before training starts, which writes the log.
        try child.waitFor(out.appendingPathComponent("train_log.jsonl"))
        child.send(signal)
        #expect(child.exits(within: 60))
        #expect(child.status == status && !child.crashed, "\(child.stderr)")
        #expect(child.stdout.contains("interrupted: checkpoint saved"), "\(child.stdout)")
        let resumed = try CLIRun(Self.trainArguments(scene, out) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Data(contentsOf: Self.finalCloud(out)) == expected)
    }

    /// A tmpfs with room for one checkpoint and a half, so the second checkpoint runs out of
    /// space (needs root to mount; skipped otherwise). The Gaussian count, hence the checkpoint
    /// size, is constant before densification starts (iteration 500).
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDiskGivesOneLineAndKeepsTheLastCheckpoint() throws {
        let scene = try TestScenes.tiny()
        let probe = try TestData.temporaryDirectory("probe").appendingPathComponent("model")
        let first = try CLIRun(["train", scene.path, "--out", probe.path, "--no-segmentation", "--iterations", "1", "--threads", "1"])
        try #require(first.status == 0, "\(first.stderr)")
        let checkpointSize = try #require(try FileManager.default.attributesOfItem(
            atPath: probe.appendingPathComponent("checkpoint.bin").path)[.size] as? Int)
        let disk = try TestData.temporaryDirectory("full-disk")
        let size = "size=\((checkpointSize * 3 / 2 + (256 << 10)) >> 10)k"
        let mount = try CLIRun(executable: URL(fileURLWithPath: "/usr/bin/env"), ["mount", "-t", "tmpfs", "-o", size, "tmpfs", disk.path])
        try #require(mount.status == 0, "mount failed: \(mount.stderr)")
        defer { _ = try? CLIRun(executable: URL(fileURLWithPath: "/usr/bin/env"), ["umount", disk.path]) }
        let out = disk.appendingPathComponent("model")
        let run = try CLIRun(["train", scene.path, "--out", out.path, "--no-segmentation", "--iterations", "400",
                              "--checkpoint-every", "1", "--threads", "1"])
        let lines = run.stderr.split(separator: "\n")
        #expect(run.status == 1 && !run.crashed && lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("No space left on device") && run.stderr.contains(out.path), "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!names.contains { $0.contains(".tmp-") }, "a temporary file was left behind: \(names)")
        // The last checkpoint is whole: training continues from it once there is room again.
        let copy = try TestData.temporaryDirectory("after-full-disk").appendingPathComponent("model")
        try FileManager.default.copyItem(at: out, to: copy)
        let resumed = try CLIRun(["train", scene.path, "--out", copy.path, "--resume", "--iterations", "400",
                                  "--checkpoint-every", "0", "--threads", "1"])
        #expect(resumed.status == 0 && resumed.stdout.contains("resuming at iteration"), "\(resumed.stderr)")
    }
}

/// A `splatlift` child process whose output goes to files (so it never blocks on a pipe).
final class TrainingChild {
    struct Failure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    private let process = Process()
    private let outURL: URL, errURL: URL

    init(_ arguments: [String]) throws {
        let dir = try TestData.temporaryDirectory("child")
        outURL = dir.appendingPathComponent("stdout")
        errURL = dir.appendingPathComponent("stderr")
        guard let binary = CLIRun.binary else { throw Failure("splatlift binary not found next to the tests") }
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    /// Waits up to `seconds` for the process to end; true when it has.
    func exits(within seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < end { usleep(10_000) }
        return !process.isRunning
    }

    /// Waits (up to a minute) until `file` exists.
    func waitFor(_ file: URL) throws {
        let end = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: file.path) {
            guard process.isRunning, Date() < end else { throw Failure("\(file.lastPathComponent) never appeared: \(stderr)") }
            usleep(10_000)
        }
    }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    var status: Int32 { process.terminationStatus }
    var crashed: Bool { process.terminationReason == .uncaughtSignal }
    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
}
