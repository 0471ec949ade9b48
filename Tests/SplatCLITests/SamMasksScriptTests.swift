import Foundation
import SplatTestSupport
import Testing

/// scripts/tests/test_sam_masks.py, the Python unittest of scripts/sam_masks.py with a stand-in
/// SAM generator, run here so `swift test` (and CI) covers it. Skipped when python3 or numpy is absent.
@Suite struct SamMasksScriptTests {
    /// python3 on PATH when it can import numpy, else nil.
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }),
              let probe = try? CLIRun(executable: python, ["-c", "import numpy"]), probe.status == 0
        else { return nil }
        return python
    }()

    @Test(.enabled(if: python != nil, "python3 with numpy is not installed: scripts/tests/test_sam_masks.py skipped"))
    func pythonUnittestPasses() throws {
        let script = TestData.projectRoot.appendingPathComponent("scripts/tests/test_sam_masks.py")
        let run = try CLIRun(executable: try #require(Self.python), [script.path, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Ran 4 tests") && run.stderr.contains("\nOK"), "\(run.stderr)")
    }
}
