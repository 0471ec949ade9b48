import Foundation
import SplatMath

/// One image's masks as segment-anything's `scripts/amg.py` writes them without
/// `--convert-to-rle` (`write_masks_to_folder`): a folder named by the image stem holding the
/// binary masks `0.png, 1.png, …` (0 / 255) and `metadata.csv`, whose header is
/// `id,area,bbox_x0,bbox_y0,bbox_w,bbox_h,point_input_x,point_input_y,predicted_iou,
/// stability_score,crop_box_x0,crop_box_y0,crop_box_w,crop_box_h` and whose rows list the masks.
/// The `id` column names the PNGs; a PNG pixel is set when it is not 0.
enum AMGMaskFolder {
    static func read(_ folder: URL, image: ImageDimensions) throws -> [BinaryMask] {
        let ids = try listedIDs(folder.appendingPathComponent("metadata.csv"))
        let listed = Set(ids.map { "\($0).png" })
        for name in try MaskSource.names(in: folder) where name.hasSuffix(".png") && Int(name.fileStem) != nil
            && !listed.contains(name) {
            throw SplatError("is not listed in metadata.csv", path: folder.appendingPathComponent(name).path)
        }
        return try ids.map { id in
            let url = folder.appendingPathComponent("\(id).png")
            guard SceneFiles.exists(url) else {
                throw SplatError("is missing (metadata.csv lists mask \(id))", path: url.path)
            }
            let map = try ImageIO.readLabelMap(url)
            if let mismatch = image.mismatch(width: map.width, height: map.height) {
                throw SplatError(mismatch, path: url.path)
            }
            return BinaryMask(nonZeroOf: map)
        }
    }

    /// The `id` column of metadata.csv, in row order.
    private static func listedIDs(_ csv: URL) throws -> [Int] {
        guard SceneFiles.exists(csv) else {
            throw SplatError("is missing (amg.py writes it beside the mask PNGs)", path: csv.path)
        }
        guard let text = String(data: try FileAccess.read(csv), encoding: .utf8) else {
            throw SplatError("is not UTF-8 text", path: csv.path)
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let header = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false) } ?? []
        guard let idColumn = header.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "id" }) else {
            throw SplatError("has no id column in its header line", path: csv.path)
        }
        var ids: [Int] = []
        var seen = Set<Int>()
        for (index, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw SplatError("line \(index + 1) has \(fields.count) fields but the header has \(header.count)",
                                 path: csv.path)
            }
            guard let id = Int(fields[idColumn].trimmingCharacters(in: .whitespaces)), id >= 0 else {
                throw SplatError("line \(index + 1): id '\(fields[idColumn])' is not a non-negative integer", path: csv.path)
            }
            guard seen.insert(id).inserted else { throw SplatError("line \(index + 1) repeats id \(id)", path: csv.path) }
            ids.append(id)
        }
        return ids
    }
}
