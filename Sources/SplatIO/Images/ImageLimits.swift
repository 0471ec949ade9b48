import SplatMath

/// The largest image the readers decode, checked on the header before any pixel is allocated:
/// 2^28 pixels (16384×16384, about 3 GB as planar RGB floats).
enum ImageLimits {
    static let maxPixels = 1 << 28

    static func check(width: Int, height: Int, format: String, path: String) throws {
        guard width > 0, height > 0 else { throw SplatError("corrupt \(format): image size \(width)x\(height)", path: path) }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw SplatError("\(format) of \(width)x\(height) pixels is larger than the limit of \(maxPixels) pixels (16384x16384)",
                             path: path)
        }
    }
}
