import CPNG
import Foundation
import SplatMath

/// Reading and writing images and label maps. The format is recognised from the file's first
/// bytes, never from its extension. Errors are one-line `SplatError`s naming the file.
public enum ImageIO {
    /// Reads a PNG (1–16-bit gray, gray+alpha, RGB, RGBA or palette) or a JPEG as planar floats in
    /// [0, 1]: the stored code values over 255 (or 65535), ignoring any gamma or ICC chunk.
    /// 16-bit files without alpha keep full precision; 16-bit files with alpha are read at 8 bits.
    /// `alpha` is set when the PNG has an alpha channel or a tRNS chunk.
    public static func readImage(_ url: URL) throws -> RGBImage {
        let data = try FileAccess.read(url)
        switch ImageFormat(sniffing: data) {
        case .png:
            return try readPNG(data, path: url.path)
        case .jpeg:
            let (width, height, rgb) = try JPEGCodec.decodeRGB(data, path: url.path)
            return planarImage(width: width, height: height, interleaved: rgb, channels: 3)
        case nil:
            throw ImageFormat.unrecognised(url.path)
        }
    }

    /// Width and height from the file header only (PNG IHDR, JPEG frame header).
    public static func imageSize(_ url: URL) throws -> (width: Int, height: Int) {
        let headLength = 1 << 16
        let head = try FileAccess.readHead(url, count: headLength)
        switch ImageFormat(sniffing: head) {
        case .png:
            let header = try PNGCodec.header(head, path: url.path)
            return (header.width, header.height)
        case .jpeg:
            if let size = try? JPEGCodec.size(head, path: url.path) { return size }
            // The frame header sits after a large APP segment (EXIF thumbnail): read it all.
            return try JPEGCodec.size(head.count < headLength ? head : FileAccess.read(url), path: url.path)
        case nil:
            throw ImageFormat.unrecognised(url.path)
        }
    }

    /// Writes an 8-bit RGB PNG, or RGBA when `image.alpha` is set; values are clamped to [0, 1]
    /// and rounded (NaN becomes 0). The file is replaced atomically.
    public static func writePNG(_ image: RGBImage, to url: URL) throws {
        try FileAccess.writeAtomically(try encodedPNG(image, path: url.path), to: url)
    }

    /// The bytes `writePNG` writes (`path` names the destination in errors).
    public static func encodedPNG(_ image: RGBImage, path: String) throws -> Data {
        let planeSize = image.width * image.height
        guard image.width > 0, image.height > 0, image.pixels.count == 3 * planeSize,
              image.alpha.map({ $0.count == planeSize }) ?? true
        else {
            throw SplatError("cannot write a \(image.width)x\(image.height) image with \(image.pixels.count) colour "
                + "and \(image.alpha?.count ?? 0) alpha values", path: path)
        }
        let channels = image.alpha == nil ? 3 : 4
        var interleaved = [UInt8](repeating: 0, count: channels * planeSize)
        image.pixels.withUnsafeBufferPointer { src in
            interleaved.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for i in 0..<planeSize { dst[i * channels + c] = quantize8(src[c * planeSize + i]) }
                }
                if let alpha = image.alpha {
                    for i in 0..<planeSize { dst[i * 4 + 3] = quantize8(alpha[i]) }
                }
            }
        }
        let format = channels == 4 ? CPNG_FORMAT_RGBA : CPNG_FORMAT_RGB
        return try interleaved.withUnsafeBytes {
            try PNGCodec.encode(width: image.width, height: image.height, format: format, samples: $0, path: path)
        }
    }

    private static func readPNG(_ data: Data, path: String) throws -> RGBImage {
        let decoded = try PNGCodec.decode(data, path: path) { fileFormat in
            let hasAlpha = fileFormat & PNG_FORMAT_FLAG_ALPHA != 0
            if fileFormat & PNG_FORMAT_FLAG_LINEAR != 0 {
                // 16-bit: keep full precision unless alpha would make libpng premultiply the
                // linear output; then read 8-bit, telling libpng the data is not linear.
                return hasAlpha ? (CPNG_FORMAT_RGBA, png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)) : (CPNG_FORMAT_LINEAR_RGB, 0)
            }
            return (hasAlpha ? CPNG_FORMAT_RGBA : CPNG_FORMAT_RGB, 0)
        }
        let channels = decoded.format & PNG_FORMAT_FLAG_ALPHA != 0 ? 4 : 3
        switch decoded.samples {
        case .bytes(let bytes):
            return planarImage(width: decoded.width, height: decoded.height, interleaved: bytes, channels: channels)
        case .words(let words):
            return planarImage(width: decoded.width, height: decoded.height, interleaved: words, channels: channels)
        }
    }

    /// Interleaved RGB(A) samples to planar floats over the type's maximum.
    private static func planarImage<T: FixedWidthInteger & UnsignedInteger>(
        width: Int, height: Int, interleaved: [T], channels: Int) -> RGBImage
    {
        let planeSize = width * height
        let maxValue = Float(T.max)
        var pixels = [Float](repeating: 0, count: 3 * planeSize)
        var alpha = [Float](repeating: 0, count: channels == 4 ? planeSize : 0)
        interleaved.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    for i in 0..<planeSize { dst[c * planeSize + i] = Float(src[i * channels + c]) / maxValue }
                }
            }
            alpha.withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] = Float(src[i * 4 + 3]) / maxValue }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels, alpha: channels == 4 ? alpha : nil)
    }

    private static func quantize8(_ value: Float) -> UInt8 {
        guard value > 0 else { return 0 }  // also NaN
        return value >= 1 ? 255 : UInt8(value * 255 + 0.5)
    }
}
