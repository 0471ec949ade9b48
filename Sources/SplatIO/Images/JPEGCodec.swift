import CTurboJPEG
import Foundation
import SplatMath

/// JPEG through TurboJPEG. Warnings (a truncated file, corrupt entropy data) are errors here:
/// TurboJPEG would otherwise hand back a partly grey image.
enum JPEGCodec {
    /// Width and height from the frame header.
    static func size(_ data: Data, path: String) throws -> (width: Int, height: Int) {
        guard let handle = tjInitDecompress() else { throw SplatError("cannot start the JPEG decoder", path: path) }
        defer { tjDestroy(handle) }
        return try header(handle, data, path: path)
    }

    /// Interleaved 8-bit RGB (grayscale files come out with three equal channels).
    static func decodeRGB(_ data: Data, path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        guard let handle = tjInitDecompress() else { throw SplatError("cannot start the JPEG decoder", path: path) }
        defer { tjDestroy(handle) }
        let (width, height) = try header(handle, data, path: path)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let status = data.withUnsafeBytes { src in
            rgb.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.bindMemory(to: UInt8.self).baseAddress, UInt(src.count), dst.baseAddress,
                              Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue), TJFLAG_STOPONWARNING)
            }
        }
        guard status == 0 else {
            throw SplatError("truncated or corrupt JPEG (\(errorText(handle)))", path: path)
        }
        return (width, height, rgb)
    }

    private static func header(_ handle: tjhandle, _ data: Data, path: String) throws -> (width: Int, height: Int) {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = data.withUnsafeBytes { src in
            tjDecompressHeader3(handle, src.bindMemory(to: UInt8.self).baseAddress, UInt(src.count),
                                &width, &height, &subsampling, &colorspace)
        }
        guard status == 0 else { throw SplatError("corrupt JPEG header (\(errorText(handle)))", path: path) }
        try ImageLimits.check(width: Int(width), height: Int(height), format: "JPEG", path: path)
        return (Int(width), Int(height))
    }

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: text)
    }
}
