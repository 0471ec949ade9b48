import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// Synthetic PNGs of every colour type and bit depth, and write → read round trips.
@Suite struct ImageIOTests {
    private func write(_ data: Data, _ name: String) throws -> URL {
        let url = try TestData.temporaryDirectory("image-io").appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// Deterministic sample values in 0...maxValue.
    private func samples(_ count: Int, max maxValue: Int, seed: UInt64) -> [Int] {
        var rng = SplatRandom(seed: seed)
        return (0..<count).map { _ in Int(rng.next() % UInt64(maxValue + 1)) }
    }

    @Test func eightBitRGBAndRGBARoundTripExactly() throws {
        let (w, h) = (7, 5)
        let levels = samples(4 * w * h, max: 255, seed: 1).map { Float($0) / 255 }
        for withAlpha in [false, true] {
            let image = RGBImage(width: w, height: h, pixels: Array(levels[0..<3 * w * h]),
                                 alpha: withAlpha ? Array(levels[(3 * w * h)...]) : nil)
            let url = try TestData.temporaryDirectory("image-io").appendingPathComponent("x.png")
            try ImageIO.writePNG(image, to: url)
            #expect(try ImageIO.readImage(url) == image)
            #expect(try ImageIO.imageSize(url) == (w, h))
        }
    }

    @Test func writerClampsAndRounds() throws {
        let image = RGBImage(width: 2, height: 1, pixels: [-1, 2, .nan, 0.5, 1.0 / 255 * 0.49, 0.999])
        let url = try TestData.temporaryDirectory("image-io").appendingPathComponent("x.png")
        try ImageIO.writePNG(image, to: url)
        #expect(try ImageIO.readImage(url).pixels == [0, 1, 0, 128.0 / 255, 0, 1])
    }

    @Test(arguments: [1, 2, 4, 8, 16])
    func grayOfEveryDepth(bitDepth: Int) throws {
        let (w, h) = (9, 4)
        let maxValue = (1 << bitDepth) - 1
        let gray = samples(w * h, max: maxValue, seed: 2)
        let url = try write(ImageTestPNGEncoder.encode(width: w, height: h, bitDepth: bitDepth, colorType: 0,
                                                       samples: gray), "g.png")
        let image = try ImageIO.readImage(url)
        let expected = gray.map { Float($0) / Float(maxValue) }
        #expect(image.width == w && image.height == h && image.alpha == nil)
        #expect(image.pixels == expected + expected + expected)
    }

    @Test(arguments: [(2, 8), (2, 16), (4, 8), (4, 16), (6, 8), (6, 16)])
    func colourAndAlphaTypes(colorType: Int, bitDepth: Int) throws {
        let (w, h) = (6, 5)
        let channels = [2: 3, 4: 2, 6: 4][colorType]!
        let maxValue = (1 << bitDepth) - 1
        let values = samples(channels * w * h, max: maxValue, seed: UInt64(colorType * 100 + bitDepth))
        let url = try write(ImageTestPNGEncoder.encode(width: w, height: h, bitDepth: bitDepth, colorType: colorType,
                                                       samples: values), "c.png")
        let image = try ImageIO.readImage(url)
        let hasAlpha = colorType == 4 || colorType == 6
        // 16-bit with alpha is read at 8-bit precision; everything else exactly.
        let tolerance: Float = hasAlpha && bitDepth == 16 ? 0.5 / 255 + 1e-6 : 0
        for i in 0..<w * h {
            for c in 0..<3 {
                let isColour = colorType == 2 || colorType == 6
                let source: Int = isColour ? values[i * channels + c] : values[i * channels]
                let expected = Float(source) / Float(maxValue)
                #expect(abs(image.pixels[c * w * h + i] - expected) <= tolerance)
            }
            if hasAlpha, let alpha = image.alpha {
                let expected = Float(values[i * channels + channels - 1]) / Float(maxValue)
                #expect(abs(alpha[i] - expected) <= tolerance)
            }
        }
        #expect((image.alpha != nil) == hasAlpha)
    }

    @Test(arguments: [1, 2, 4, 8])
    func paletteWithTransparency(bitDepth: Int) throws {
        let (w, h) = (5, 3)
        let entries = 1 << bitDepth
        let palette: [[UInt8]] = (0..<entries).map { (e: Int) -> [UInt8] in
            [UInt8(e * 37 % 256), UInt8(e * 91 % 256), UInt8(255 - e)]
        }
        let indices = samples(w * h, max: entries - 1, seed: 3)
        let alphas: [UInt8] = (0..<entries).map { (e: Int) -> UInt8 in UInt8(e * 53 % 256) }
        for transparency: [UInt8]? in [nil, alphas] {
            let url = try write(ImageTestPNGEncoder.encode(width: w, height: h, bitDepth: bitDepth, colorType: 3,
                                                           samples: indices, palette: palette,
                                                           transparency: transparency), "p.png")
            let image = try ImageIO.readImage(url)
            for (i, index) in indices.enumerated() {
                for c in 0..<3 { #expect(image.pixels[c * w * h + i] == Float(palette[index][c]) / 255) }
                if let transparency { #expect(image.alpha?[i] == Float(transparency[index]) / 255) }
            }
            #expect((image.alpha != nil) == (transparency != nil))
        }
    }

    @Test func gammaChunkIsIgnored() throws {
        let gray = samples(16, max: 255, seed: 4)
        let plain = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 0, samples: gray), "a.png")
        let gamma = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 0, samples: gray,
                                                         gamma: 100_000), "b.png")
        #expect(try ImageIO.readImage(gamma) == ImageIO.readImage(plain))
        #expect(try ImageIO.readImage(plain).pixels[0] == Float(gray[0]) / 255)
    }

    @Test func writerRejectsMismatchedSizes() throws {
        let url = try TestData.temporaryDirectory("image-io").appendingPathComponent("x.png")
        #expect(throws: SplatError.self) {
            try ImageIO.writePNG(RGBImage(width: 2, height: 2, pixels: [0, 0, 0]), to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
