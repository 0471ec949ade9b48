import Foundation

/// Locates the shared test data (`../shared/data` beside the project root).
public enum TestData {
    /// The project root, found from this file's path.
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data`, or nil when it is absent. `SPLATLIFT_SHARED_DATA` names another folder;
    /// one that does not exist (`SPLATLIFT_SHARED_DATA=none`) runs the suite as a fresh clone would.
    public static let root: URL? = {
        let url = ProcessInfo.processInfo.environment["SPLATLIFT_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
            ?? projectRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// A path inside the shared data, or nil when the data is absent.
    public static func url(_ relative: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A file or folder under the committed `Tests/fixtures`.
    public static func fixture(_ relative: String) -> URL {
        projectRoot.appendingPathComponent("Tests/fixtures").appendingPathComponent(relative)
    }

    /// True when the shared data is present; use as `.enabled(if: TestData.available, …)`.
    public static var available: Bool { root != nil }

    /// A fresh temporary directory for a test's outputs, inside one folder per test process that
    /// is removed when the process exits.
    public static func temporaryDirectory(_ name: String = "splatlift-test") throws -> URL {
        let url = processScratch.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Touching it registers the removal at exit.
    private static let processScratch: URL = {
        atexit { try? FileManager.default.removeItem(at: TestData.scratchRoot) }
        return scratchRoot
    }()

    private static var scratchRoot: URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("splatlift-tests-\(ProcessInfo.processInfo.processIdentifier)")
    }
}
