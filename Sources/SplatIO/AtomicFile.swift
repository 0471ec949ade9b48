import Foundation
import SplatMath

/// Crash-safe file replacement: the bytes go to a temporary file beside the target, are flushed
/// to the disk (`fsync`), and only then renamed over the target, and the folder is flushed too.
/// A process killed at any moment leaves either the old file or the new one, never a mix; a
/// failed write (a full disk) removes the temporary file and leaves the old file as it was.
public enum AtomicFile {
    /// Replaces the file at `url` (through a symbolic link: its target) with `data`. Anything
    /// but a regular file there (a device, a folder) is refused, never replaced. `creatingFolder`
    /// creates the folder `url` goes in when it is missing.
    public static func write(_ data: Data, to url: URL, creatingFolder: Bool = false) throws {
        if creatingFolder {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw SplatError("cannot create its folder: \(error.localizedDescription)", path: url.path)
            }
        }
        let target = url.resolvingSymlinksInPath()
        var info = stat()
        if lstat(target.path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw SplatError("cannot write file: it exists and is not a regular file (a device or a folder)", path: url.path)
        }
        let folder = target.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        func failure(_ what: String) -> SplatError {
            SplatError("cannot write file: \(what) (\(String(cString: strerror(errno))))", path: url.path)
        }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(folder.path)") }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            try data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { throw failure("wrote \(offset) of \(bytes.count) bytes") }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw failure("cannot flush it to the disk") }
            closed = true
            guard close(fd) == 0 else { throw failure("cannot close it") }
            guard rename(temporary.path, target.path) == 0 else { throw failure("cannot rename the temporary file over it") }
        } catch {
            unlink(temporary.path)
            throw error
        }
        flushFolder(folder)
    }

    /// Makes the rename durable (best effort: some file systems refuse to sync a folder).
    private static func flushFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
