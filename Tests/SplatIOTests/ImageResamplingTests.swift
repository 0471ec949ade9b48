import SplatMath
import Testing
@testable import SplatIO

/// Downscaling and compositing against naive per-pixel references.
@Suite struct ImageResamplingTests {
    private func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var rng = SplatRandom(seed: seed)
        return RGBImage(width: width, height: height,
                        pixels: (0..<3 * width * height).map { _ in rng.uniformFloat() },
                        alpha: (0..<width * height).map { _ in rng.uniformFloat() })
    }

    @Test(arguments: [2, 3, 4, 5])
    func downscaleIsTheBlockMean(factor: Int) {
        let image = randomImage(width: 23, height: 17, seed: UInt64(factor))
        let small = image.downscaled(by: factor)
        #expect(small.width == 23 / factor && small.height == 17 / factor)
        func reference(_ plane: [Float], _ c: Int, _ ox: Int, _ oy: Int) -> Double {
            var sum = 0.0
            for dy in 0..<factor {
                for dx in 0..<factor { sum += Double(plane[c * 23 * 17 + (oy * factor + dy) * 23 + ox * factor + dx]) }
            }
            return sum / Double(factor * factor)
        }
        let n = small.width * small.height
        for oy in 0..<small.height {
            for ox in 0..<small.width {
                for c in 0..<3 {
                    #expect(abs(Double(small.pixels[c * n + oy * small.width + ox]) - reference(image.pixels, c, ox, oy)) < 1e-6)
                }
                #expect(abs(Double(small.alpha![oy * small.width + ox]) - reference(image.alpha!, 0, ox, oy)) < 1e-6)
            }
        }
        #expect(image.downscaled(by: 1) == image)
    }

    /// Against a count over each block: the majority label, ties to the centre pixel's label when it
    /// is tied, else to the smallest tied label. For even f the centre pixel of block (x, y) is the
    /// central 2×2's top-left pixel when x + y is even, its bottom-right one when odd.
    @Test(arguments: [2, 3, 4, 5])
    func labelDownscaleTakesTheBlockMajority(factor: Int) {
        var rng = SplatRandom(seed: 11)
        let map = LabelMap(width: 21, height: 14, labels: (0..<21 * 14).map { _ in Int32(rng.int(below: 3)) })
        let small = map.downscaled(by: factor)
        #expect(small.width == 21 / factor && small.height == 14 / factor)
        let offset = (factor - 1) / 2
        for oy in 0..<small.height {
            for ox in 0..<small.width {
                var counts = [Int32: Int]()
                for y in 0..<factor { for x in 0..<factor { counts[map.labels[(oy * factor + y) * 21 + ox * factor + x], default: 0] += 1 } }
                let top = counts.values.max()!
                let tied = counts.filter { $0.value == top }.keys
                let c = offset + (factor % 2 == 0 ? (ox + oy) % 2 : 0)
                let centre = map.labels[(oy * factor + c) * 21 + ox * factor + c]
                let expected = tied.contains(centre) ? centre : tied.min()!
                #expect(small.labels[oy * small.width + ox] == expected)
            }
        }
    }

    /// A label covering three of a 2×2 block's pixels but not its top-left one wins the block (the
    /// old rule took the top-left pixel, which shifted labels half a source pixel against the image).
    @Test func labelDownscaleFollowsTheBlockNotItsCorner() {
        let small = LabelMap(width: 2, height: 2, labels: [0, 7, 7, 7]).downscaled(by: 2)
        #expect(small.labels == [7])
    }

    /// An edge that splits 2×2 blocks evenly gives half of its ties to each side, horizontal or
    /// vertical, at either parity: the labels do not move against the image (always the top-left
    /// pixel moved every such edge down and right by a quarter of an output pixel).
    @Test(arguments: [8, 10])
    func evenTiesAlongAnEdgeGoToBothSides(edge: Int) {
        let size = 16
        let horizontal = LabelMap(width: size, height: size, labels: (0..<size * size).map { $0 / size <= edge ? 1 : 2 })
        let vertical = LabelMap(width: size, height: size, labels: (0..<size * size).map { $0 % size <= edge ? 1 : 2 })
        // Output row (column) edge/2 holds the blocks the edge splits: source rows (columns) edge and edge + 1.
        let rowOfTies = (0..<8).map { horizontal.downscaled(by: 2).labels[edge / 2 * 8 + $0] }
        let columnOfTies = (0..<8).map { vertical.downscaled(by: 2).labels[$0 * 8 + edge / 2] }
        #expect(rowOfTies.filter { $0 == 1 }.count == 4)
        #expect(columnOfTies.filter { $0 == 1 }.count == 4)
    }

    @Test func compositeBlendsWithTheBackground() {
        let image = randomImage(width: 4, height: 3, seed: 5)
        let background = SIMD3<Float>(0.2, 0.5, 1)
        let out = image.composited(over: background)
        #expect(out.alpha == image.alpha)
        for c in 0..<3 {
            for i in 0..<12 {
                let a = image.alpha![i]
                #expect(abs(out.pixels[c * 12 + i] - (image.pixels[c * 12 + i] * a + background[c] * (1 - a))) < 1e-6)
            }
        }
        let opaque = RGBImage(width: 1, height: 1, pixels: [0.1, 0.2, 0.3])
        #expect(opaque.composited(over: background) == opaque)
    }
}
