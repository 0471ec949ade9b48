import CTurboJPEG
import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// JPEGs made here with TurboJPEG's encoder: colour and grayscale files decode to the size and
/// (within JPEG loss) the values that went in.
@Suite struct ImageJPEGTests {
    /// A smooth test pattern, interleaved, `channels` per pixel.
    private func pattern(width: Int, height: Int, channels: Int) -> [UInt8] {
        (0..<width * height * channels).map { i in
            let p = i / channels, c = i % channels
            return UInt8((p % width * 3 + p / width * 2 + c * 60) % 256)
        }
    }

    private func encode(_ pixels: [UInt8], width: Int, height: Int, gray: Bool) throws -> Data {
        let handle = try #require(tjInitCompress())
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height),
                        Int32((gray ? TJPF_GRAY : TJPF_RGB).rawValue), &buffer, &size,
                        Int32((gray ? TJSAMP_GRAY : TJSAMP_444).rawValue), 98, 0)
        }
        #expect(status == 0)
        defer { tjFree(buffer) }
        return Data(bytes: try #require(buffer), count: Int(size))
    }

    @Test(arguments: [false, true])
    func encodedJPEGReadsBack(gray: Bool) throws {
        let (w, h) = (48, 32)
        let source = pattern(width: w, height: h, channels: gray ? 1 : 3)
        let url = try TestData.temporaryDirectory("jpeg").appendingPathComponent("p.jpeg")
        try encode(source, width: w, height: h, gray: gray).write(to: url)
        #expect(try ImageIO.imageSize(url) == (w, h))
        let image = try ImageIO.readImage(url)
        #expect(image.width == w && image.height == h && image.alpha == nil)
        var worst: Float = 0
        for i in 0..<w * h {
            for c in 0..<3 {
                let expected = Float(source[gray ? i : i * 3 + c]) / 255
                worst = max(worst, abs(image.pixels[c * w * h + i] - expected))
            }
        }
        #expect(worst < 8 / 255, "largest difference \(worst * 255) levels")
        if gray {
            #expect(image.pixels[0..<w * h] == image.pixels[w * h..<2 * w * h])
        }
    }
}
