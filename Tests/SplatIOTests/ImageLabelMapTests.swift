import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// Label maps come through as the stored integers: no gamma or sRGB conversion at any depth.
@Suite struct ImageLabelMapTests {
    private let edgeIds = [0, 1, 2, 127, 128, 254, 255, 256, 257, 1000, 4095, 32767, 32768, 40000, 65534, 65535]

    private func write(_ data: Data) throws -> URL {
        let url = try TestData.temporaryDirectory("labels").appendingPathComponent("m.png")
        try data.write(to: url)
        return url
    }

    @Test func sixteenBitGrayIsExact() throws {
        let ids = edgeIds + edgeIds.reversed()
        for gamma: UInt32? in [nil, 45455, 100_000] {
            let url = try write(ImageTestPNGEncoder.encode(width: 8, height: 4, bitDepth: 16, colorType: 0,
                                                           samples: ids, gamma: gamma))
            let map = try ImageIO.readLabelMap(url)
            #expect(map.width == 8 && map.height == 4)
            #expect(map.labels == ids.map(Int32.init))
        }
    }

    @Test(arguments: [1, 2, 4, 8])
    func lowDepthGrayIsExact(bitDepth: Int) throws {
        let ids = (0..<24).map { $0 * 11 % (1 << bitDepth) }
        let url = try write(ImageTestPNGEncoder.encode(width: 6, height: 4, bitDepth: bitDepth, colorType: 0, samples: ids,
                                                       gamma: 45455))
        #expect(try ImageIO.readLabelMap(url).labels == ids.map(Int32.init))
    }

    @Test func sixteenBitColourNeedsEqualChannels() throws {
        let ids = edgeIds
        let rgb16 = ids.flatMap { [$0, $0, $0, 65535] }
        let url16 = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 16, colorType: 6, samples: rgb16))
        #expect(try ImageIO.readLabelMap(url16).labels == ids.map(Int32.init))
        var mixed = rgb16
        mixed[5 * 4 + 1] += 1
        let bad = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 16, colorType: 6, samples: mixed))
        let error = #expect(throws: SplatError.self) { try ImageIO.readLabelMap(bad) }
        #expect(error?.description.contains("gray PNG") == true)
        #expect(error?.path == bad.path)
        let translucent = ids.flatMap { [$0 % 256, 100] }
        let ga = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 4, samples: translucent))
        #expect(throws: SplatError.self) { try ImageIO.readLabelMap(ga) }
    }

    /// Colour-coded instance maps: the colour is the id (r·65536 + g·256 + b), the same colour the
    /// same id in RGB, RGBA and palette files; black is 0.
    @Test func eightBitColourIsThePackedColour() throws {
        let colours: [[Int]] = [[0, 0, 0], [255, 0, 0], [0, 128, 255], [7, 7, 7], [255, 255, 255], [1, 2, 3]]
        let pixels = (0..<16).map { colours[$0 * 5 % colours.count] }
        let expected = pixels.map { Int32($0[0] << 16 | $0[1] << 8 | $0[2]) }
        let rgb = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 2, samples: pixels.flatMap { $0 }))
        #expect(try ImageIO.readLabelMap(rgb).labels == expected)
        let rgba = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 6,
                                                        samples: pixels.flatMap { $0 + [255] }))
        #expect(try ImageIO.readLabelMap(rgba).labels == expected)
        let palette = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 3,
                                                           samples: (0..<16).map { $0 * 5 % colours.count },
                                                           palette: colours.map { $0.map(UInt8.init) }))
        #expect(try ImageIO.readLabelMap(palette).labels == expected)

        let translucent = try write(ImageTestPNGEncoder.encode(width: 4, height: 4, bitDepth: 8, colorType: 6,
                                                               samples: pixels.flatMap { $0 + [200] }))
        let error = #expect(throws: SplatError.self) { try ImageIO.readLabelMap(translucent) }
        #expect(error?.description.contains("translucent") == true)
    }

    /// A photo given as a mask is refused by its number of colours: more than one per 100 pixels
    /// (and more than 256).
    @Test func photoIsRefused() throws {
        // 160×120 = 19,200 pixels: at most 256 colours.
        func map(colours: Int) throws -> URL {
            let samples = (0..<(160 * 120)).flatMap { p -> [Int] in let c = p % colours; return [c & 255, c >> 8, 9] }
            return try write(ImageTestPNGEncoder.encode(width: 160, height: 120, bitDepth: 8, colorType: 2, samples: samples))
        }
        #expect(Set(try ImageIO.readLabelMap(try map(colours: 256)).labels).count == 256)
        let photo = try map(colours: 257)
        let error = #expect(throws: SplatError.self) { try ImageIO.readLabelMap(photo) }
        #expect(error?.description.contains("more than the 256 distinct colours") == true)
        #expect(error?.path == photo.path)
    }

    @Test func writeReadRoundTrip() throws {
        var rng = SplatRandom(seed: 9)
        let labels = (0..<(13 * 7)).map { _ in Int32(rng.next() % 65536) } + edgeIds.map(Int32.init)
        let map = LabelMap(width: 13, height: 8, labels: Array(labels.prefix(13 * 8)))
        let url = try TestData.temporaryDirectory("labels").appendingPathComponent("out.png")
        try ImageIO.writeLabelMap(map, to: url)
        #expect(try ImageIO.readLabelMap(url) == map)
        let small = LabelMap(width: 2, height: 1, labels: [0, 7])
        let smallURL = url.deletingLastPathComponent().appendingPathComponent("small.png")
        try ImageIO.writeLabelMap(small, to: smallURL)
        #expect(try ImageIO.readLabelMap(smallURL) == small)
    }

    @Test func writerRejectsIdsOutOfRange() throws {
        let url = try TestData.temporaryDirectory("labels").appendingPathComponent("out.png")
        for bad: Int32 in [-1, 65536] {
            let error = #expect(throws: SplatError.self) {
                try ImageIO.writeLabelMap(LabelMap(width: 2, height: 1, labels: [3, bad]), to: url)
            }
            #expect(error?.description.contains("outside 0...65535") == true)
        }
    }
}
