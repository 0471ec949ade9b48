import Foundation
import SplatMath

/// One image's masks as a JSON list of mask records with a COCO RLE `segmentation`, as
/// segment-anything's `amg.py --convert-to-rle` and `SamAutomaticMaskGenerator(output_mode=
/// "coco_rle")` (SAM and SAM 2) write them: `[{"segmentation": {"size": [h, w], "counts": "…"},
/// "area": …, "predicted_iou": …, …}, …]`. Only `segmentation` is read.
enum RLEMaskFile {
    static func read(_ url: URL, image: ImageDimensions) throws -> [BinaryMask] {
        let top = try MaskJSON.read(url)
        guard let records = top as? [Any] else {
            if let object = top as? [String: Any], object["annotations"] != nil {
                throw SplatError("is a COCO annotations file (images + annotations); pass the file itself as SRC",
                                 path: url.path)
            }
            throw SplatError("must hold a JSON list of mask records", path: url.path)
        }
        return try records.enumerated().map { index, record in
            guard let fields = record as? [String: Any] else {
                throw SplatError("mask \(index) is not a JSON object", path: url.path)
            }
            return try RLESegmentation.mask(fields["segmentation"], what: "mask \(index)", path: url.path, image: image)
        }
    }
}
