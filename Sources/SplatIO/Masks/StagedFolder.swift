import Foundation
import SplatMath

/// An output folder written in full or not at all: files go into a hidden temporary folder beside
/// the destination, which `commit` renames into place and `discard` removes. The destination
/// must not exist yet, or be an empty folder.
public final class StagedFolder {
    public let destination: URL
    /// Where to write the files until `commit`.
    public let staging: URL
    private var finished = false

    public init(_ destination: URL) throws {
        self.destination = destination
        staging = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        try Self.checkFree(destination)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw SplatError("cannot create folder (\(error.localizedDescription))", path: staging.path)
        }
    }

    /// Moves the staged files into place.
    public func commit() throws {
        try Self.checkFree(destination)
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

    private static func checkFree(_ url: URL) throws {
        guard SceneFiles.exists(url) else { return }
        let contents = SceneFiles.isDirectory(url) ? try? FileManager.default.contentsOfDirectory(atPath: url.path) : nil
        guard contents?.isEmpty == true else {
            throw SplatError("already exists; remove it or choose another output folder", path: url.path)
        }
    }
}
