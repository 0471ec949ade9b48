import Foundation
import SplatMath

/// A COCO RLE `segmentation` object, `{"size": [height, width], "counts": …}` with the counts as
/// pycocotools' compressed string or as the uncompressed list of run lengths, decoded into a mask.
enum RLESegmentation {
    /// `what` names the record in messages ("mask 3", "annotation 17"); the RLE must have the
    /// image's size. Errors name `path`.
    static func mask(_ segmentation: Any?, what: String, path: String, image: ImageDimensions) throws -> BinaryMask {
        func failure(_ message: String) -> SplatError { SplatError("\(what): \(message)", path: path) }
        guard let segmentation else { throw failure("no segmentation") }
        if segmentation is [Any] {
            throw failure("segmentation is a polygon; only RLE masks ({\"size\", \"counts\"}) can be imported")
        }
        guard let rle = segmentation as? [String: Any] else { throw failure("segmentation is not an RLE object") }
        guard let size = MaskJSON.integers(rle["size"]), size.count == 2 else {
            throw failure("RLE size must be [height, width]")
        }
        if let mismatch = image.mismatch(width: size[1], height: size[0]) { throw failure("RLE size \(mismatch)") }
        let width = image.width, height = image.height
        let counts: [Int]
        do {
            if let compressed = rle["counts"] as? String {
                counts = try COCORLE.counts(compressed: compressed, pixels: width * height)
            } else if let list = MaskJSON.integers(rle["counts"]) {
                counts = try COCORLE.counts(uncompressed: list, pixels: width * height)
            } else {
                throw SplatError("RLE counts must be a string or a list of integers")
            }
        } catch let error as SplatError {
            throw failure(error.message)
        }
        return BinaryMask(width: width, height: height, order: .columnMajor, counts: counts)
    }
}
