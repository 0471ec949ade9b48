import Foundation
import SplatIO
import SplatLift
import SplatMath
import SplatRaster

/// A contact sheet of a model's objects: one tile per object, cut out of the training view where
/// the object covers the most pixels (`ObjectTable.Object.largestView`), everything else in the
/// tile dimmed, framed in the object's overlay colour, with its id in the corner.
public enum ObjectContactSheet {
    public static let tileSize = 112
    static let columns = 6

    public static func render(_ model: SegmentedModel, backend: RasterBackend) throws -> RGBImage {
        let objects = model.table.objects
        guard !objects.isEmpty else { throw SplatError("the model has no objects") }
        let rows = (objects.count + columns - 1) / columns
        var sheet = Canvas(width: columns * tileSize, height: rows * tileSize)
        var rendered: [Int: (RGBImage, [Int32])] = [:]
        for (k, object) in objects.enumerated() {
            let view = object.largestView.flatMap { name in model.model.scene.views.firstIndex { $0.name == name } }
                ?? model.model.scene.trainIndices[0]
            if rendered[view] == nil {
                let (output, ids) = try model.render(view: view, backend: backend)
                rendered[view] = (RGBImage(width: output.width, height: output.height, pixels: output.color), ids)
            }
            let (image, ids) = rendered[view]!
            sheet.drawTile(image, ids: ids, id: Int32(object.id), at: (k % columns * tileSize, k / columns * tileSize))
        }
        return sheet.image
    }
}

/// A planar RGB canvas with the few drawing operations the sheet needs.
struct Canvas {
    var image: RGBImage
    var plane: Int { image.width * image.height }

    init(width: Int, height: Int) {
        image = RGBImage(width: width, height: height, pixels: [Float](repeating: 0.12, count: 3 * width * height))
    }

    mutating func set(_ x: Int, _ y: Int, _ c: SIMD3<Float>) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        for k in 0..<3 { image.pixels[k * plane + y * image.width + x] = c[k] }
    }

    /// The object's square bounding box (padded by a quarter) scaled into the tile, nearest sampling.
    mutating func drawTile(_ source: RGBImage, ids: [Int32], id: Int32, at origin: (x: Int, y: Int)) {
        let size = ObjectContactSheet.tileSize, w = source.width, n = w * source.height
        var (x0, y0, x1, y1) = (w, source.height, -1, -1)
        for p in ids.indices where ids[p] == id { x0 = min(x0, p % w); x1 = max(x1, p % w); y0 = min(y0, p / w); y1 = max(y1, p / w) }
        guard x1 >= 0 else { return }
        let side = max(x1 - x0, y1 - y0) + 1, pad = side / 4 + 2, span = side + 2 * pad
        let (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2)
        let color = SegmentationOverlay.color(of: id)
        for ty in 0..<size {
            for tx in 0..<size {
                let sx = cx - span / 2 + tx * span / size, sy = cy - span / 2 + ty * span / size
                var c = SIMD3<Float>(repeating: 0)
                if sx >= 0, sy >= 0, sx < w, sy < source.height {
                    let p = sy * w + sx
                    c = SIMD3(source.pixels[p], source.pixels[n + p], source.pixels[2 * n + p]).clamped(lowerBound: .zero, upperBound: .one)
                    if ids[p] != id { c *= 0.3 }
                }
                let frame = tx < 3 || ty < 3 || tx >= size - 3 || ty >= size - 3
                set(origin.x + tx, origin.y + ty, frame ? color : c)
            }
        }
        drawNumber(Int(id), at: (origin.x + 6, origin.y + 6))
    }

    /// The digits of `value` in a 3×5 pixel font at twice its size, white on black.
    mutating func drawNumber(_ value: Int, at origin: (x: Int, y: Int)) {
        let glyphs: [[UInt8]] = [[7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
                                 [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7]]
        let digits = String(value).compactMap { $0.wholeNumberValue }
        for y in -1..<11 { for x in -1..<(digits.count * 8) { set(origin.x + x, origin.y + y, .zero) } }
        for (k, digit) in digits.enumerated() {
            for (row, bits) in glyphs[digit].enumerated() {
                for column in 0..<3 where bits & (4 >> column) != 0 {
                    for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                        set(origin.x + k * 8 + column * 2 + dx, origin.y + row * 2 + dy, .one)
                    }
                }
            }
        }
    }
}
