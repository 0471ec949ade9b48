import Foundation
import SplatMath

/// Whole-file reads and atomic writes with `SplatError`s naming the file.
enum FileAccess {
    static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SplatError("cannot read file (\(error.localizedDescription))", path: url.path)
        }
    }

    /// The first `count` bytes (fewer when the file is shorter).
    static func readHead(_ url: URL, count: Int) throws -> Data {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return try handle.read(upToCount: count) ?? Data()
        } catch {
            throw SplatError("cannot read file (\(error.localizedDescription))", path: url.path)
        }
    }

    /// `AtomicFile.write`: a temporary file beside `url`, flushed, then renamed over `url`.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        try AtomicFile.write(data, to: url)
    }
}

/// The container formats `ImageIO` reads, recognised by their first bytes.
enum ImageFormat {
    case png, jpeg

    init?(sniffing data: Data) {
        let head = [UInt8](data.prefix(8))
        if head == PNGCodec.signature {
            self = .png
        } else if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
            self = .jpeg
        } else {
            return nil
        }
    }

    static func unrecognised(_ path: String) -> SplatError {
        SplatError("not a PNG or JPEG image (unrecognised signature bytes)", path: path)
    }
}
