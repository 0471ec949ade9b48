import Foundation
import SplatTestSupport
import Testing

/// `splatlift view` in a real browser: trains the tiny scene with masks, serves it on a free
/// loopback port and runs scripts/tests/test_viewer.py (headless Chromium through selenium) against
/// it, then stops the server with SIGINT. Skipped without python3 + selenium + numpy + Pillow and
/// Debian's chromium-driver (scripts/setup.sh installs them).
@Suite struct ViewerBrowserTests {
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
              let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }),
              let probe = try? CLIRun(executable: python, ["-c", "import selenium, numpy, PIL"]), probe.status == 0
        else { return nil }
        return python
    }()

    @Test(.enabled(if: python != nil, "python3 with selenium, numpy and Pillow, or chromedriver, is missing: the viewer's browser test skipped"))
    func pageMatchesTheCPURendererAndEditsThroughTheLibrary() throws {
        let root = try TestData.temporaryDirectory("viewer-browser")
        let model = root.appendingPathComponent("model")
        let train = try CLIRun(["train", try TestScenes.tiny().path, "--out", model.path, "--iterations", "800"])
        #expect(train.status == 0, "\(train.stderr)")

        let server = try ViewerProcess(model: model)
        defer { server.stop() }
        let url = try server.waitForURL()
        #expect(url.hasPrefix("http://127.0.0.1:"))

        let script = TestData.projectRoot.appendingPathComponent("scripts/tests/test_viewer.py")
        let run = try CLIRun(executable: try #require(Self.python),
                             [script.path, "--url", url, "--binary", try #require(CLIRun.binary).path,
                              "--model", model.path, "--out", root.appendingPathComponent("browser").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Ran 8 tests") && run.stderr.contains("\nOK"), "\(run.stderr)")
        print(run.stderr)

        let status = server.stop()
        #expect(status == 0, "Ctrl-C should stop the server cleanly")
    }
}

/// A `splatlift view MODEL --port 0` child process.
final class ViewerProcess: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private var text = ""
    private let lock = NSLock()

    init(model: URL) throws {
        guard let binary = CLIRun.binary else { throw ViewerNotStarted("the splatlift binary is not next to the tests") }
        process.executableURL = binary
        process.arguments = ["view", model.path, "--port", "0"]
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.text += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    /// The URL the server prints once it listens.
    func waitForURL(timeout: TimeInterval = 120) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let printed = lock.withLock { text }
            if let range = printed.range(of: #"http://[^ \n]+"#, options: .regularExpression) { return String(printed[range]) }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ViewerNotStarted("splatlift view printed no URL: " + lock.withLock { text })
    }

    /// SIGINT, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }
}

struct ViewerNotStarted: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
