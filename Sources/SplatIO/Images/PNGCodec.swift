import CPNG
import Foundation
import SplatMath

/// Facts from a PNG's IHDR chunk.
struct PNGHeader {
    var width: Int
    var height: Int
    var bitDepth: Int
    /// 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    var colorType: Int
}

/// Decoded interleaved samples: 8-bit, or 16-bit for the simplified API's linear formats.
enum PNGSamples {
    case bytes([UInt8])
    case words([UInt16])
}

/// PNG through libpng's simplified `png_image` API (the classic API reports errors by longjmp,
/// which Swift cannot use).
///
/// Colour-management chunks (gAMA, sRGB, iCCP, cHRM) are removed before decoding, so samples come
/// out as the stored code values, as PIL and the 3DGS tools read them. Without those chunks libpng
/// treats 8-bit data as sRGB and 16-bit data as linear; asking for an 8-bit format from 8-bit data,
/// or a linear (16-bit) format from 16-bit data, therefore converts nothing.
enum PNGCodec {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let colorManagementChunks: Set<String> = ["gAMA", "sRGB", "iCCP", "cHRM"]

    /// Reads the IHDR chunk that must follow the signature.
    static func header(_ data: Data, path: String) throws -> PNGHeader {
        let bytes = [UInt8](data.prefix(29))
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw SplatError("not a PNG file (bad signature)", path: path)
        }
        guard bytes.count >= 26 else { throw SplatError("truncated PNG header", path: path) }
        guard bytes[12..<16].elementsEqual("IHDR".utf8) else {
            throw SplatError("corrupt PNG: first chunk is not IHDR", path: path)
        }
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let header = PNGHeader(width: u32(16), height: u32(20), bitDepth: Int(bytes[24]), colorType: Int(bytes[25]))
        try ImageLimits.check(width: header.width, height: header.height, format: "PNG", path: path)
        return header
    }

    /// The file without colour-management chunks (unchanged when it has none or its chunk list is
    /// malformed; libpng then reports the damage).
    static func withoutColorManagement(_ data: Data) -> Data {
        var keep: [Range<Int>] = []
        var offset = 8
        var found = false
        data.withUnsafeBytes { bytes in
            while offset + 12 <= bytes.count {
                let length = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let end = offset + 12 + length
                guard end <= bytes.count else { return }
                let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
                if colorManagementChunks.contains(type) { found = true } else { keep.append(offset..<end) }
                offset = end
                if type == "IEND" { return }
            }
        }
        guard found else { return data }
        let base = data.startIndex
        var out = Data(data.prefix(8))
        for range in keep { out.append(data[base + range.lowerBound..<base + range.upperBound]) }
        if offset < data.count { out.append(data[(base + offset)...]) }
        return out
    }

    /// Decodes `data`; `choose` maps the file's own simplified-API format to the wanted output
    /// format and extra `png_image` flags. Returns the samples, interleaved.
    static func decode(_ data: Data, path: String,
                       choose: (_ fileFormat: png_uint_32) -> (format: png_uint_32, flags: png_uint_32))
        throws -> (width: Int, height: Int, format: png_uint_32, samples: PNGSamples)
    {
        let data = withoutColorManagement(data)
        return try data.withUnsafeBytes { raw -> (Int, Int, png_uint_32, PNGSamples) in
            guard let base = raw.baseAddress else { throw SplatError("empty file", path: path) }
            var image = png_image()
            image.version = CPNG_IMAGE_VERSION
            guard png_image_begin_read_from_memory(&image, base, raw.count) != 0 else {
                throw SplatError("corrupt PNG (\(message(&image)))", path: path)
            }
            let (format, flags) = choose(image.format)
            image.format = format
            image.flags |= flags
            let width = Int(image.width), height = Int(image.height)
            let channels = Int((format & (PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)) + 1)
            do { try ImageLimits.check(width: width, height: height, format: "PNG", path: path) } catch {
                png_image_free(&image)
                throw error
            }
            let count = width * height * channels
            let stride = Int32(width * channels)
            var ok: Int32 = 0
            let samples: PNGSamples
            if format & PNG_FORMAT_FLAG_LINEAR != 0 {
                var words = [UInt16](repeating: 0, count: count)
                words.withUnsafeMutableBytes { ok = png_image_finish_read(&image, nil, $0.baseAddress, stride, nil) }
                samples = .words(words)
            } else {
                var bytes = [UInt8](repeating: 0, count: count)
                bytes.withUnsafeMutableBytes { ok = png_image_finish_read(&image, nil, $0.baseAddress, stride, nil) }
                samples = .bytes(bytes)
            }
            guard ok != 0 else { throw SplatError("truncated or corrupt PNG (\(message(&image)))", path: path) }
            return (width, height, format, samples)
        }
    }

    /// Encodes interleaved samples; `format` says the layout (8-bit, or 16-bit linear when it has
    /// `PNG_FORMAT_FLAG_LINEAR`, in which case `samples` holds native-endian `UInt16`s).
    static func encode(width: Int, height: Int, format: png_uint_32, samples: UnsafeRawBufferPointer,
                       path: String) throws -> Data
    {
        func freshImage() -> png_image {
            var image = png_image()
            image.version = CPNG_IMAGE_VERSION
            image.width = png_uint_32(width)
            image.height = png_uint_32(height)
            image.format = format
            return image
        }
        var size: png_alloc_size_t = 0
        var sizing = freshImage()
        guard png_image_write_to_memory(&sizing, nil, &size, 0, samples.baseAddress, 0, nil) != 0 else {
            throw SplatError("cannot encode PNG (\(message(&sizing)))", path: path)
        }
        var image = freshImage()
        var out = Data(count: Int(size))
        let ok = out.withUnsafeMutableBytes {
            png_image_write_to_memory(&image, $0.baseAddress, &size, 0, samples.baseAddress, 0, nil)
        }
        guard ok != 0 else { throw SplatError("cannot encode PNG (\(message(&image)))", path: path) }
        return out.prefix(Int(size))
    }

    /// libpng's error text from the fixed-size `message` field.
    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
