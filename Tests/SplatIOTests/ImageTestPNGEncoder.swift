import Foundation

/// An independent, minimal PNG encoder for test fixtures (stored deflate blocks, filter 0), so
/// every colour type and bit depth can be produced without going through libpng.
enum ImageTestPNGEncoder {
    /// `samples`: interleaved channel values per pixel, row-major (palette indices for type 3).
    static func encode(width: Int, height: Int, bitDepth: Int, colorType: Int, samples: [Int],
                       palette: [[UInt8]]? = nil, transparency: [UInt8]? = nil, gamma: UInt32? = nil) -> Data
    {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 1
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            var bits = 0, acc = 0
            for x in 0..<width * channels {
                let v = samples[y * width * channels + x]
                switch bitDepth {
                case 16: raw += [UInt8(v >> 8), UInt8(v & 255)]
                case 8: raw.append(UInt8(v))
                default:
                    acc = acc << bitDepth | v
                    bits += bitDepth
                    if bits == 8 { raw.append(UInt8(acc)); bits = 0; acc = 0 }
                }
            }
            if bits > 0 { raw.append(UInt8(acc << (8 - bits))) }
        }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = be32(width) + be32(height)
        ihdr += [UInt8(bitDepth), UInt8(colorType), 0, 0, 0]
        png += chunk("IHDR", ihdr)
        if let gamma { png += chunk("gAMA", be32(Int(gamma))) }
        if let palette { png += chunk("PLTE", palette.flatMap { $0 }) }
        if let transparency { png += chunk("tRNS", transparency) }
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    private static func be32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }

    private static func chunk(_ type: String, _ body: [UInt8]) -> Data {
        let typed = Array(type.utf8) + body
        return Data(be32(body.count) + typed + be32(Int(crc32(typed))))
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let last: UInt8 = offset + n == data.count ? 1 : 0
            out += [last, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + be32(Int(b << 16 | a))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }
}
