import ArgumentParser

/// `splatlift bench …`: micro-benchmarks of the pipeline stages.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark pipeline stages on seeded synthetic workloads.",
        subcommands: [BenchRasterCommand.self]
    )
}
