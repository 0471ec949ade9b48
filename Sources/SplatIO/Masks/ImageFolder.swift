import Foundation
import SplatMath

/// An image's file name (for messages) and size in pixels: what its masks are checked against.
public struct ImageDimensions: Sendable, Equatable {
    public var name: String
    public var width: Int
    public var height: Int

    /// "is AxB but NAME is CxD" when `width`x`height` differs, else nil.
    func mismatch(width w: Int, height h: Int) -> String? {
        w == width && h == height ? nil : "is \(w)x\(h) but \(name) is \(width)x\(height)"
    }
}

/// One photo of an images folder.
public struct ImageFile: Sendable {
    public var url: URL
    /// The file name without its extension, which names its masks.
    public var stem: String
    public var dimensions: ImageDimensions
}

/// The photos of a folder: its PNG and JPEG files (by extension, any case; hidden files skipped),
/// sorted by name, with their sizes read from the file headers.
enum ImageFolder {
    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Throws when the folder cannot be listed; unreadable images and two images with one stem
    /// become `problems`.
    static func list(_ folder: URL, problems: inout [SplatError]) throws -> [ImageFile] {
        var files: [ImageFile] = []
        var seen: [String: String] = [:]
        for name in try MaskSource.names(in: folder) where extensions.contains(name.fileExtension.lowercased()) {
            let url = folder.appendingPathComponent(name)
            let stem = name.fileStem
            if let other = seen[stem] {
                problems.append(SplatError("has the same stem as \(other); masks are matched by stem", path: url.path))
                continue
            }
            seen[stem] = name
            do {
                let size = try ImageIO.imageSize(url)
                files.append(ImageFile(url: url, stem: stem,
                                       dimensions: ImageDimensions(name: name, width: size.width, height: size.height)))
            } catch let error as SplatError {
                problems.append(error)
            }
        }
        return files
    }
}

extension String {
    /// The last path component without its last extension ("dir/a.b.png" → "a.b").
    var fileStem: String { ((self as NSString).lastPathComponent as NSString).deletingPathExtension }
    var fileExtension: String { (self as NSString).pathExtension }
}
