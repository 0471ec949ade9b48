import Foundation
import SplatMath

/// What `MaskImport.run` did.
public struct MaskImportSummary: Sendable {
    public var kind: MaskSourceKind
    public var images = 0
    /// Masks read from the source (distinct ids for label PNGs).
    public var masksIn = 0
    /// Masks left in the label maps.
    public var masksKept = 0
    /// Images whose label map has no mask.
    public var imagesWithoutMasks = 0
}

/// Every problem `MaskImport.run` found, each a one-line error naming its file; nothing was written.
public struct MaskImportProblems: Error, CustomStringConvertible {
    public var problems: [SplatError]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Converts what SAM-family tools write into SplatLift label maps: one 16-bit `<image stem>.png`
/// per image, 0 = no mask, ids 1...n per image (`MaskCompositor`); label PNG sources are checked
/// and copied unchanged.
public enum MaskImport {
    /// Reads `source` (kind detected by `MaskSource`), checks it against the PNG and JPEG photos in
    /// `images` (every photo has masks, every mask entry has a photo, sizes agree) and writes the
    /// label maps into `out`, all or nothing: on any problem nothing is written and
    /// `MaskImportProblems` lists them all. `progress(done, total)` follows each image; `visit`
    /// gets each photo's label map while no problem has been found.
    public static func run(source: URL, images: URL, out: URL, minArea: Int,
                           progress: (_ done: Int, _ total: Int) -> Void = { _, _ in },
                           visit: ((ImageFile, LabelMap) throws -> Void)? = nil) throws -> MaskImportSummary {
        guard minArea >= 0 else { throw SplatError("min-area must be 0 or more, got \(minArea)") }
        guard SceneFiles.isDirectory(images) else { throw SplatError("images folder does not exist", path: images.path) }
        let staged = try StagedFolder(out)
        defer { staged.discard() }
        var problems: [SplatError] = []
        let photos = try ImageFolder.list(images, problems: &problems)
        let maskSource = try MaskSource(source, problems: &problems)
        if maskSource.kind == .labelPNGs && minArea > 0 {
            throw SplatError("label map PNGs are copied unchanged; min-area does not apply to them", path: source.path)
        }
        guard !photos.isEmpty || !problems.isEmpty else {
            throw SplatError("holds no PNG or JPEG images", path: images.path)
        }
        let stems = Set(photos.map(\.stem))
        for (stem, entry) in maskSource.entries.sorted(by: { $0.key < $1.key }) where !stems.contains(stem) {
            problems.append(entry.problem("has no image \(stem).* in \(images.path)"))
        }
        var summary = MaskImportSummary(kind: maskSource.kind)
        for (done, photo) in photos.enumerated() {
            do {
                guard let entry = maskSource.entries[photo.stem] else {
                    throw SplatError("has no masks in \(source.path)", path: photo.url.path)
                }
                let target = problems.isEmpty ? staged.staging.appendingPathComponent(photo.stem + ".png") : nil
                let (labels, masksIn, kept) = try importMasks(entry, for: photo.dimensions, minArea: minArea, to: target)
                summary.images += 1
                summary.masksIn += masksIn
                summary.masksKept += kept
                summary.imagesWithoutMasks += kept == 0 ? 1 : 0
                if problems.isEmpty { try visit?(photo, labels) }
            } catch let error as SplatError {
                problems.append(error)
            }
            progress(done + 1, photos.count)
        }
        guard problems.isEmpty else { throw MaskImportProblems(problems: problems) }
        try staged.commit()
        return summary
    }

    /// One image's label map, the number of masks its entry holds and the number the map keeps;
    /// the map is written to `target` unless it is nil.
    private static func importMasks(_ entry: MaskEntry, for image: ImageDimensions, minArea: Int,
                                    to target: URL?) throws -> (LabelMap, masksIn: Int, kept: Int) {
        let masks: [BinaryMask]
        switch entry.content {
        case .amgFolder(let folder):
            masks = try AMGMaskFolder.read(folder, image: image)
        case .rleFile(let file):
            masks = try RLEMaskFile.read(file, image: image)
        case .coco(let coco):
            if let mismatch = image.mismatch(width: coco.dimensions.width, height: coco.dimensions.height) {
                throw entry.problem("in the annotations \(mismatch)")
            }
            masks = coco.masks
        case .labelPNG(let file):
            let map = try ImageIO.readLabelMap(file)
            if let mismatch = image.mismatch(width: map.width, height: map.height) {
                throw SplatError(mismatch, path: file.path)
            }
            if let target { try copy(file, to: target) }
            let ids = Set(map.labels).subtracting([0]).count
            return (map, ids, ids)
        }
        let map = MaskCompositor.compose(masks, width: image.width, height: image.height, minArea: minArea)
        if let target { try ImageIO.writeLabelMap(map, to: target) }
        return (map, masks.count, Int(map.labels.max() ?? 0))
    }

    private static func copy(_ file: URL, to target: URL) throws {
        do {
            try FileManager.default.copyItem(at: file, to: target)
        } catch {
            throw SplatError("cannot copy to \(target.path) (\(error.localizedDescription))", path: file.path)
        }
    }
}
