import Foundation
import SplatTestSupport
import Testing

/// Numeric options of every command refuse negative, zero, NaN, infinite and huge values in one
/// stderr line naming the option (`OptionCheck`; scripts/hostile_survey.py has the full list):
/// exit 1 when the value is out of range, 64 (a one-line usage error) when it is no number of the
/// option's type. Every case fails before the command reads a file; the paths do not exist, so a
/// value let through fails too.
@Suite struct NumericOptionTests {
    static let cases: [(arguments: [String], option: String, status: Int32)] = [
        (["render-ply", "/nonexistent/none.ply", "--out", "/nonexistent/o", "--views", "-1"], "--views", 1),
        (["render-ply", "/nonexistent/none.ply", "--out", "/nonexistent/o", "--width", "100000000"], "--width", 1),
        (["render-ply", "/nonexistent/none.ply", "--out", "/nonexistent/o", "--fov", "nan"], "--fov", 1),
        (["render-ply", "/nonexistent/none.ply", "--out", "/nonexistent/o", "--elevation", "inf"], "--elevation", 1),
        (["render-ply", "/nonexistent/none.ply", "--out", "/nonexistent/o", "--sh-degree", "7"], "--sh-degree", 1),
        (["render", "/nonexistent/model", "--out", "/nonexistent/o", "--iteration", "0"], "--iteration", 1),
        (["mesh", "/nonexistent/model", "--ids", "1", "--out", "/nonexistent/o.ply", "--voxel", "inf"], "--voxel", 1),
        (["extract", "/nonexistent/model", "--ids", "1", "--out", "/nonexistent/o.ply", "--threshold", "nan"], "--threshold", 1),
        (["cluster", "/nonexistent/model", "--scoring-views", "-2"], "--scoring-views", 1),
        (["group", "/nonexistent/model", "--split-gap", "nan"], "--split-gap", 1),
        (["partition", "/nonexistent/scene", "--blocks", "9999999999x9999999999", "--out", "/nonexistent/p"], "--blocks", 1),
        (["partition", "/nonexistent/scene", "--blocks", "2x2", "--out", "/nonexistent/p", "--iterations", "-5"], "--iterations", 1),
        (["merge", "/nonexistent/plan", "--min-gaussians", "0"], "--min-gaussians", 1),
        (["view", "/nonexistent/model", "--port", "-1"], "--port", 1),
        (["synth", "--out", "/nonexistent/s", "--points", "1000000000000"], "--points", 1),
        (["bench", "raster", "--gaussians", "-1"], "--gaussians", 1),
        (["bench", "hdbscan", "--noise", "nan"], "--noise", 1),
        (["bench", "train", "/nonexistent/scene", "--max-seconds", "-5"], "--max-seconds", 1),
        (["masks", "import", "/nonexistent/src", "--images", "/nonexistent/i", "--out", "/nonexistent/o", "--min-area", "-1"], "--min-area", 1),
        (["train", "/nonexistent/scene", "--out", "/nonexistent/m", "--feature-lr", "nan"], "--feature-lr", 1),
        (["render-ply", "/nonexistent/none.ply", "--out", "/nonexistent/o", "--views", "nan"], "--views", 64),
        (["train", "/nonexistent/scene", "--out", "/nonexistent/m", "--seed", "-1"], "--seed", 64),
    ]

    @Test(arguments: cases.indices)
    func badValueIsOneLineNamingTheOption(_ index: Int) throws {
        let (arguments, option, status) = Self.cases[index]
        let run = try CLIRun(arguments)
        let lines = run.stderr.split(separator: "\n")
        #expect(run.status == status && !run.crashed, "\(arguments): status \(run.status): \(run.stderr)")
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: ") && lines[0].contains(option), "\(arguments): \(run.stderr)")
    }
}
