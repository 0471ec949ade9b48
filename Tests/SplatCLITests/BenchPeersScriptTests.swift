import Foundation
import SplatTestSupport
import Testing

/// scripts/tests/test_bench_peers.py, the Python unittest of scripts/bench_peers.py (the pure-PyTorch
/// peer renderer), run here with the built `splatlift` so `swift test` (and CI) covers it. Without
/// torch, unittest skips the eight tests that need it and the three script tests still run (the
/// refusal of a missing binary by scripts/bench_peers.py; scripts/bench_peers.sh without OpenSplat, and
/// its `--random-points` seeding with a stand-in OpenSplat).
@Suite struct BenchPeersScriptTests {
    @Test(.enabled(if: SamMasksScriptTests.python != nil,
                   "python3 with numpy is not installed: scripts/tests/test_bench_peers.py skipped"))
    func pythonUnittestPasses() throws {
        let script = TestData.projectRoot.appendingPathComponent("scripts/tests/test_bench_peers.py")
        let python = try #require(SamMasksScriptTests.python)
        let binary = try #require(CLIRun.binary, "splatlift binary not found next to the tests")
        let run = try CLIRun(executable: URL(fileURLWithPath: "/usr/bin/env"),
                             ["SPLATLIFT=\(binary.path)", python.path, script.path, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Ran 11 tests") && run.stderr.contains("\nOK"), "\(run.stderr)")
    }
}
