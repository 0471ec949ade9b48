import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// The COCO RLE decoder against pycocotools' encodings (Tests/fixtures/rle_pycocotools.json,
/// written by Tests/oracles/make_rle_fixtures.py).
@Suite struct MaskRLETests {
    struct Fixture: Decodable { var cases: [Case] }

    struct Case: Decodable {
        var size: [Int]
        var rows: [String]
        var compressed: String
        var uncompressed: [Int]
    }

    /// The set pixels, row-major.
    static func pixels(_ mask: BinaryMask) -> [Bool] {
        var set = [Bool](repeating: false, count: mask.width * mask.height)
        mask.forEachSetPixel { set[$0] = true }
        return set
    }

    @Test func decodesPycocotoolsEncodingsOfRandomMasks() throws {
        let data = try Data(contentsOf: TestData.fixture("rle_pycocotools.json"))
        let cases = try JSONDecoder().decode(Fixture.self, from: data).cases
        #expect(cases.count == 8)
        for c in cases {
            let h = c.size[0], w = c.size[1]
            let expected = c.rows.flatMap { $0.map { $0 == "1" } }
            let compressed = try COCORLE.counts(compressed: c.compressed, pixels: w * h)
            #expect(compressed == c.uncompressed, "\(c.compressed)")
            for counts in [compressed, try COCORLE.counts(uncompressed: c.uncompressed, pixels: w * h)] {
                let mask = BinaryMask(width: w, height: h, order: .columnMajor, counts: counts)
                #expect(Self.pixels(mask) == expected, "\(c.compressed)")
                #expect(mask.area == expected.filter { $0 }.count)
            }
        }
    }

    @Test func rowMajorMasksComeFromNonZeroLabels() {
        let map = LabelMap(width: 3, height: 2, labels: [7, 0, 0, 255, 255, 0])
        let mask = BinaryMask(nonZeroOf: map)
        #expect(mask.counts == [0, 1, 2, 2, 1] && mask.area == 3)
        #expect(Self.pixels(mask) == [true, false, false, true, true, false])
    }

    @Test func malformedCountsAreRejected() {
        // A 4x3 mask has 12 pixels; "<" is the single run 12.
        let compressed: [(String, String)] = [
            ("<1", "overrun the 12-pixel mask at run 1"),
            ("5", "cover 5 of the mask's 12 pixels"),
            ("<~", "character outside '0'...'o' at offset 1"),
            ("R", "ends inside a number"),          // 'R' has the continuation bit and nothing follows
            ("O", "run 0 is negative (-1)"),        // 'O' ends a number with the sign bit
            ("ooooooooooooo1", "number too long"),
        ]
        for (counts, message) in compressed {
            let error = #expect(throws: SplatError.self) { try COCORLE.counts(compressed: counts, pixels: 12) }
            #expect(error?.message.contains(message) == true, "\(counts): \(error?.message ?? "no error")")
        }
        for (counts, message) in [([-1, 13], "run 0 is negative"), ([6, 7], "overrun"), ([6, 5], "cover 11")] {
            let error = #expect(throws: SplatError.self) { try COCORLE.counts(uncompressed: counts, pixels: 12) }
            #expect(error?.message.contains(message) == true, "\(counts): \(error?.message ?? "no error")")
        }
    }
}
