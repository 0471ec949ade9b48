import SplatIO
import SplatMath

/// Colour overlays of id maps on renders, for looking at a segmentation.
public enum SegmentationOverlay {
    /// A fixed, distinct colour per id: hues stepped by the golden ratio, so neighbouring ids get
    /// far-apart hues and an object keeps its colour in every view.
    public static func color(of id: Int32) -> SIMD3<Float> {
        let hue = (Double(id) * 0.618_033_988_749_895 + 0.1).truncatingRemainder(dividingBy: 1)
        let saturation = id % 2 == 0 ? 0.85 : 0.6, value = id % 3 == 0 ? 0.95 : 0.8
        // HSV → RGB.
        let h6 = hue * 6, sector = Int(h6) % 6, f = h6 - Double(Int(h6))
        let p = value * (1 - saturation), q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f))
        let rgb: (Double, Double, Double)
        switch sector {
        case 0: rgb = (value, t, p)
        case 1: rgb = (q, value, p)
        case 2: rgb = (p, value, t)
        case 3: rgb = (p, q, value)
        case 4: rgb = (t, p, value)
        default: rgb = (value, p, q)
        }
        return SIMD3(Float(rgb.0), Float(rgb.1), Float(rgb.2))
    }

    /// `image` blended half and half with the colour of each pixel's id, pixels on an id boundary
    /// (a 4-neighbour with another id) darkened. `ids` is row-major W·H like the image's planes.
    /// Pixels whose id is `uncoloured` keep the image's colour (boundaries are still darkened).
    public static func overlay(_ image: RGBImage, ids: [Int32],
                               mix: Float = 0.5, uncoloured: Int32? = nil) throws -> RGBImage {
        let w = image.width, h = image.height, n = w * h
        guard ids.count == n, image.pixels.count == 3 * n else {
            throw SplatError("overlay: \(ids.count) ids for a \(w)x\(h) image")
        }
        var palette = [Int32: SIMD3<Float>]()
        var out = image
        out.alpha = nil
        for y in 0..<h {
            for x in 0..<w {
                let u = y * w + x, id = ids[u]
                let c: SIMD3<Float>
                if let known = palette[id] { c = known } else { c = color(of: id); palette[id] = c }
                let edge = (x > 0 && ids[u - 1] != id) || (x + 1 < w && ids[u + 1] != id)
                    || (y > 0 && ids[u - w] != id) || (y + 1 < h && ids[u + w] != id)
                let shade: Float = edge ? 0.25 : 1, m = id == uncoloured ? 0 : mix
                for k in 0..<3 {
                    let v = image.pixels[k * n + u]
                    out.pixels[k * n + u] = shade * ((1 - m) * min(max(v, 0), 1) + m * c[k])
                }
            }
        }
        return out
    }
}
