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

/// The worker threads a `--threads` value means (0 = all cores), as benchmarks print it.
func effectiveThreadCount(_ threads: Int) -> Int {
    threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : threads
}
