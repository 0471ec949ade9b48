import ArgumentParser
import Foundation

/// `splatlift bench …`: micro-benchmarks of the pipeline stages.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark pipeline stages on seeded synthetic workloads.",
        subcommands: [BenchRasterCommand.self, BenchTrainCommand.self, BenchLiftCommand.self, BenchHDBSCANCommand.self]
    )
}

/// The 1-minute load average (0 when unavailable): benchmarks print it, since other load slows them.
func loadAverage() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
          let first = text.split(separator: " ").first else { return 0 }
    return Double(first) ?? 0
}

/// The median of benchmark timings: the middle value, or the mean of the middle two (0 when empty).
func medianValue(_ values: [Double]) -> Double {
    let v = values.sorted()
    guard !v.isEmpty else { return 0 }
    return v.count % 2 == 1 ? v[v.count / 2] : 0.5 * (v[v.count / 2 - 1] + v[v.count / 2])
}
