import ArgumentParser
import Foundation
import SplatMath
import SplatView

/// `splatlift view MODEL`: the model in a browser (docs/VIEWER.md).
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Serve a model to a browser: real-time splats, its cameras and objects to select, isolate, hide, extract and remove.")

    @Argument(help: "A model folder written by `splatlift train`, or any 3DGS PLY.")
    var model: String

    @Option(parsing: .unconditional, help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "Address to listen on; the default serves this machine only.")
    var host = "127.0.0.1"

    func validate() throws {
        try OptionCheck.int(port, "--port", 0...65535)
    }

    func run() async throws {
        do {
            try await ViewServer.run(model: URL(fileURLWithPath: model), host: host, port: port) { url in
                // Unbuffered: a script waiting on a pipe sees the URL at once.
                FileHandle.standardOutput.write(Data("SplatLift viewer: \(url)  (Ctrl-C stops it)\n".utf8))
            }
        } catch let error as SplatError {
            throw ValidationErrorLine(error.description)
        }
    }
}
