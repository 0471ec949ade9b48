import Foundation

/// Small file-system helpers for the scene loader.
enum SceneFiles {
    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    /// `url`'s path relative to `root` when it lies inside it, else the full path.
    static func relativePath(_ url: URL, to root: URL) -> String {
        let p = url.standardizedFileURL.path, r = root.standardizedFileURL.path
        let prefix = r.hasSuffix("/") ? r : r + "/"
        return p.hasPrefix(prefix) ? String(p.dropFirst(prefix.count)) : p
    }

    /// The label map for image `name` in `folder`: `<name without extension>.png` (keeping
    /// sub-folders), else `<name>.png`, else `<file stem>.png` at the top of the folder.
    static func labelMap(for name: String, in folder: URL) -> URL {
        let withoutExt = (name as NSString).deletingPathExtension
        let stem = ((name as NSString).lastPathComponent as NSString).deletingPathExtension
        let candidates = [withoutExt + ".png", name + ".png", stem + ".png"].map { folder.appendingPathComponent($0) }
        return candidates.first(where: exists) ?? candidates[0]
    }
}
