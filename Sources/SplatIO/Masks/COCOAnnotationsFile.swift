import Foundation
import SplatMath

/// One image of a COCO annotations file with its masks, in the order of the annotations.
struct COCOImageMasks {
    /// `file_name` and the size the file gives.
    var dimensions: ImageDimensions
    var masks: [BinaryMask]
}

/// A COCO annotations file: `images` (id, file_name, width, height) and `annotations` (image_id,
/// segmentation as RLE, compressed or not, whatever `iscrowd` says). Polygon segmentations are
/// refused.
enum COCOAnnotationsFile {
    static func read(_ url: URL) throws -> [COCOImageMasks] {
        let path = url.path
        guard let top = try MaskJSON.read(url) as? [String: Any],
              let images = top["images"] as? [Any], let annotations = top["annotations"] as? [Any]
        else {
            throw SplatError("must be a COCO annotations object with \"images\" and \"annotations\" lists", path: path)
        }
        var entries: [COCOImageMasks] = []
        var entryOfID: [Int: Int] = [:]
        for (index, item) in images.enumerated() {
            let fields = item as? [String: Any] ?? [:]
            guard let id = MaskJSON.integer(fields["id"]), let fileName = fields["file_name"] as? String,
                  let width = MaskJSON.integer(fields["width"]), let height = MaskJSON.integer(fields["height"]),
                  width > 0, height > 0
            else {
                throw SplatError("images[\(index)] needs an integer id, a file_name and a positive width and height",
                                 path: path)
            }
            // The size bounds the RLE runs (width·height pixels) before the photo is compared.
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard !overflow, pixels <= ImageLimits.maxPixels else {
                throw SplatError("images[\(index)] size \(width)x\(height) is larger than the limit of \(ImageLimits.maxPixels) pixels",
                                 path: path)
            }
            guard entryOfID[id] == nil else { throw SplatError("images[\(index)] repeats image id \(id)", path: path) }
            entryOfID[id] = entries.count
            entries.append(COCOImageMasks(dimensions: ImageDimensions(name: fileName, width: width, height: height),
                                          masks: []))
        }
        for (index, item) in annotations.enumerated() {
            let fields = item as? [String: Any] ?? [:]
            let what = MaskJSON.integer(fields["id"]).map { "annotation \($0)" } ?? "annotations[\(index)]"
            guard let imageID = MaskJSON.integer(fields["image_id"]), let e = entryOfID[imageID] else {
                throw SplatError("\(what): image_id is missing or not in images", path: path)
            }
            let mask = try RLESegmentation.mask(fields["segmentation"], what: what, path: path,
                                                image: entries[e].dimensions)
            entries[e].masks.append(mask)
        }
        return entries
    }
}
