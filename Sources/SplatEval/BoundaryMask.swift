import SplatMath

/// The boundary region of a binary mask used by boundary IoU (Cheng et al.; METHOD.md §4.1).
public enum BoundaryMask {
    /// The boundary width d = max(1, round(0.02·√(H²+W²))), rounding halves to even as Python's
    /// `round` does.
    public static func width(imageWidth: Int, imageHeight: Int) -> Int {
        let diagonal = Double(imageWidth * imageWidth + imageHeight * imageHeight).squareRoot()
        return max(1, Int((0.02 * diagonal).rounded(.toNearestOrEven)))
    }

    /// Boundary(M) = M − erode(M), where erode is `d` iterations of a 3×3 all-ones erosion of M
    /// zero-padded by one pixel, so pixels within `d` of the image border are boundary. Computed as
    /// one (2d+1)×(2d+1) erosion, split into a row and a column window test on running sums.
    /// `mask` is row-major `width`×`height`, non-zero = inside; the result holds 0/1.
    public static func boundary(of mask: [UInt8], width: Int, height: Int, d: Int) throws -> [UInt8] {
        guard width > 0, height > 0, mask.count == width * height else {
            throw SplatError("mask has \(mask.count) pixels, expected \(width)x\(height)")
        }
        guard d >= 1 else { throw SplatError("boundary width \(d) must be at least 1") }
        return boundaryOfValidMask(mask, width: width, height: height, d: d)
    }

    /// `boundary(of:width:height:d:)` for arguments already known to fit.
    static func boundaryOfValidMask(_ mask: [UInt8], width: Int, height: Int, d: Int) -> [UInt8] {
        let window = 2 * d + 1
        var rows = [UInt8](repeating: 0, count: mask.count)
        // Row pass: rows[y][x] = 1 iff mask is 1 on x−d...x+d (outside the image counts as 0).
        if width >= window {
            for y in 0..<height {
                var run = 0          // ones in [x−d, x+d] among in-image pixels
                let base = y * width
                for x in 0..<min(d, width) where mask[base + x] != 0 { run += 1 }
                for x in 0..<width {
                    if x + d < width, mask[base + x + d] != 0 { run += 1 }
                    if x - d - 1 >= 0, mask[base + x - d - 1] != 0 { run -= 1 }
                    if x >= d, x + d < width, run == window { rows[base + x] = 1 }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: mask.count)
        // Column pass on the row-eroded mask, then boundary = mask ∧ ¬eroded.
        for x in 0..<width {
            var run = 0
            for y in 0..<min(d, height) where rows[y * width + x] != 0 { run += 1 }
            for y in 0..<height {
                if y + d < height, rows[(y + d) * width + x] != 0 { run += 1 }
                if y - d - 1 >= 0, rows[(y - d - 1) * width + x] != 0 { run -= 1 }
                let eroded = y >= d && y + d < height && run == window
                let i = y * width + x
                out[i] = mask[i] != 0 && !eroded ? 1 : 0
            }
        }
        return out
    }
}
