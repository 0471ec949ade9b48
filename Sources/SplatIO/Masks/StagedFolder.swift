import Foundation
import SplatMath

/// An output folder written in full or not at all: files go into a hidden temporary folder beside
/// the destination, which `commit` renames into place and `discard` removes. The destination
/// must not exist yet, or be an empty folder, or be one `replaceable` accepts (it is then replaced).
public final class StagedFolder {
    public let destination: URL
    /// Where to write the files until `commit`.
    public let staging: URL
    private let replaceable: (URL) -> Bool
    private var finished = false

    public init(_ destination: URL, replaceable: @escaping (URL) -> Bool = { _ in false }) throws {
        self.destination = destination
        self.replaceable = replaceable
        staging = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        try checkFree(destination)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw SplatError("cannot create folder (\(error.localizedDescription))", path: staging.path)
        }
    }

    /// Moves the staged files into place.
    public func commit() throws {
        try checkFree(destination)
        do {
            if SceneFiles.exists(destination) { try FileManager.default.removeItem(at: destination) }
            try FileManager.default.moveItem(at: staging, to: destination)
            finished = true
        } catch {
            throw SplatError("cannot move \(staging.lastPathComponent) into place (\(error.localizedDescription))",
                             path: destination.path)
        }
    }

    /// Removes the staged files (nothing after `commit`).
    public func discard() {
        guard !finished else { return }
        try? FileManager.default.removeItem(at: staging)
        finished = true
    }

    /// Writes the folder with `body` (given the staging folder) and commits it; on any error
    /// nothing is left behind.
    public static func write(_ destination: URL, replaceable: @escaping (URL) -> Bool = { _ in false },
                             _ body: (URL) throws -> Void) throws {
        let folder = try StagedFolder(destination, replaceable: replaceable)
        defer { folder.discard() }
        try body(folder.staging)
        try folder.commit()
    }

    private func checkFree(_ url: URL) throws {
        guard SceneFiles.exists(url), !replaceable(url) else { return }
        let contents = SceneFiles.isDirectory(url) ? try? FileManager.default.contentsOfDirectory(atPath: url.path) : nil
        guard contents?.isEmpty == true else {
            throw SplatError("already exists; remove it or choose another output folder", path: url.path)
        }
    }
}
