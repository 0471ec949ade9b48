import Foundation
import SplatIO

/// Colour pictures of id maps for people to look at.
public enum Overlays {
    /// A stable, well-spread colour per id (golden-ratio hues); id < 0 is black.
    public static func color(of id: Int32) -> (Float, Float, Float) {
        guard id >= 0 else { return (0, 0, 0) }
        let h = (Double(id) * 0.618_033_988_75).truncatingRemainder(dividingBy: 1) * 6
        let s = 0.75, v = id % 2 == 0 ? 0.95 : 0.75
        let i = Int(h), f = h - Double(i)
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        let rgb: (Double, Double, Double) = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
        return (Float(rgb.0), Float(rgb.1), Float(rgb.2))
    }

    /// `rgb` (planar 3·H·W) blended 45/55 with the id colours, id boundaries drawn dark.
    public static func overlay(rgb: [Float], ids: [Int32], width: Int, height: Int) -> RGBImage {
        let hw = width * height
        var out = [Float](repeating: 0, count: 3 * hw)
        for y in 0..<height {
            for x in 0..<width {
                let p = y * width + x
                let id = ids[p]
                let edge = (x + 1 < width && ids[p + 1] != id) || (y + 1 < height && ids[p + width] != id)
                let c = color(of: id)
                let tint = [c.0, c.1, c.2]
                for k in 0..<3 {
                    let base = min(max(rgb[k * hw + p], 0), 1)
                    out[k * hw + p] = edge ? 0.1 : 0.45 * base + 0.55 * tint[k]
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
