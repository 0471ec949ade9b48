import Foundation
import SplatMath

/// The kinds of mask sources `splatlift masks import` reads, told apart by what SRC is.
public enum MaskSourceKind: String, Sendable {
    /// A folder of sub-folders, one per image: segment-anything amg.py's PNG masks + metadata.csv.
    case amgFolders = "amg.py mask folders"
    /// A folder of `<image stem>.json` files, each a list of mask records with COCO RLE.
    case rleJSONFiles = "per-image COCO RLE JSON files"
    /// One COCO annotations file (images + annotations with RLE segmentations).
    case cocoAnnotations = "COCO annotations file"
    /// A folder of single-channel label PNGs (SplatLift's own format): checked and copied.
    case labelPNGs = "label map PNGs"
}

/// One image's masks in a source, and what names them in messages.
struct MaskEntry {
    enum Content {
        case amgFolder(URL)
        case rleFile(URL)
        case coco(COCOImageMasks)
        case labelPNG(URL)
    }

    var content: Content
    /// The entry's file or folder (the COCO file for a COCO image).
    var path: String
    /// What names a COCO image inside its file ("file_name a.jpg"); nil for files and folders.
    var subject: String? = nil

    /// The path, with the subject when there is one.
    var name: String { subject.map { "\(path) \($0)" } ?? path }

    func problem(_ message: String) -> SplatError {
        SplatError(subject.map { "\($0) \(message)" } ?? message, path: path)
    }
}

/// A mask source: its kind and, by image stem, where each image's masks are.
struct MaskSource {
    var kind: MaskSourceKind
    var entries: [String: MaskEntry] = [:]

    /// Detects the kind of `url` and lists its entries. A folder must hold one kind of entry
    /// (sub-folders, .json files or .png files; hidden and other files are ignored). Two entries
    /// with one stem become `problems`.
    init(_ url: URL, problems: inout [SplatError]) throws {
        guard SceneFiles.exists(url) else { throw SplatError("mask source does not exist", path: url.path) }
        if !SceneFiles.isDirectory(url) {
            kind = .cocoAnnotations
            for image in try COCOAnnotationsFile.read(url) {
                add(MaskEntry(content: .coco(image), path: url.path, subject: "file_name \(image.dimensions.name)"),
                    stem: image.dimensions.name.fileStem, problems: &problems)
            }
            return
        }
        let names = try Self.names(in: url)
        let kinds: [(kind: MaskSourceKind, names: [String], content: (URL) -> MaskEntry.Content)] = [
            (.amgFolders, names.filter { SceneFiles.isDirectory(url.appendingPathComponent($0)) }, MaskEntry.Content.amgFolder),
            (.rleJSONFiles, names.filter { $0.fileExtension.lowercased() == "json" }, MaskEntry.Content.rleFile),
            (.labelPNGs, names.filter { $0.fileExtension.lowercased() == "png" }, MaskEntry.Content.labelPNG),
        ].filter { !$0.names.isEmpty }
        guard kinds.count == 1, let found = kinds.first else {
            throw SplatError(kinds.isEmpty ? "holds no amg.py mask folders, .json mask files or .png label maps"
                             : "mixes \(kinds.map(\.kind.rawValue).joined(separator: " and ")); expected one kind",
                             path: url.path)
        }
        kind = found.kind
        for name in found.names {
            let entryURL = url.appendingPathComponent(name)
            add(MaskEntry(content: found.content(entryURL), path: entryURL.path),
                stem: kind == .amgFolders ? name : name.fileStem, problems: &problems)
        }
    }

    private mutating func add(_ entry: MaskEntry, stem: String, problems: inout [SplatError]) {
        guard let first = entries[stem] else {
            entries[stem] = entry
            return
        }
        problems.append(entry.problem("has the same image stem as \(first.name)"))
    }

    /// The names in a folder, sorted, without hidden ones.
    static func names(in folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw SplatError("cannot list folder (\(error.localizedDescription))", path: folder.path)
        }
    }
}
