extension RGBImage {
    /// Area average over `factor`×`factor` blocks (colour and alpha averaged independently); the
    /// output is ⌊W/f⌋×⌊H/f⌋ and leftover edge pixels are dropped. A factor ≤ 1 returns the image.
    public func downscaled(by factor: Int) -> RGBImage {
        guard factor > 1 else { return self }
        let outW = width / factor, outH = height / factor
        let inverseArea = 1 / Float(factor * factor)
        func average(_ planes: [Float], count: Int) -> [Float] {
            var out = [Float](repeating: 0, count: count * outW * outH)
            planes.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for c in 0..<count {
                        let inPlane = c * width * height, outPlane = c * outW * outH
                        for oy in 0..<outH {
                            for ox in 0..<outW {
                                var sum: Float = 0
                                for y in oy * factor..<(oy + 1) * factor {
                                    let row = inPlane + y * width
                                    for x in ox * factor..<(ox + 1) * factor { sum += src[row + x] }
                                }
                                dst[outPlane + oy * outW + ox] = sum * inverseArea
                            }
                        }
                    }
                }
            }
            return out
        }
        return RGBImage(width: outW, height: outH, pixels: average(pixels, count: 3),
                        alpha: alpha.map { average($0, count: 1) })
    }

    /// Colour composited over a background, `c·a + bg·(1−a)`, where there is alpha (the alpha is
    /// kept); an image without alpha is returned unchanged.
    public func composited(over background: SIMD3<Float>) -> RGBImage {
        guard let alpha else { return self }
        let planeSize = width * height
        var out = pixels
        out.withUnsafeMutableBufferPointer { dst in
            alpha.withUnsafeBufferPointer { a in
                for c in 0..<3 {
                    let bg = background[c]
                    for i in 0..<planeSize { dst[c * planeSize + i] = dst[c * planeSize + i] * a[i] + bg * (1 - a[i]) }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out, alpha: alpha)
    }
}

extension LabelMap {
    /// Block-majority downscale: each output pixel takes the label most of its f×f block carries,
    /// the label the block's area-averaged colour (`RGBImage.downscaled`) mostly shows. On a tie,
    /// the label of the block's centre pixel when it is among the tied, else the smallest tied
    /// label. For odd f the centre pixel is the middle one. For even f the block has four central
    /// pixels and none is the centre: block (x, y) takes the top-left one of them when x + y is
    /// even and the bottom-right one when it is odd, so along an edge that splits blocks evenly
    /// the ties go to either side in turn. Always taking one corner (the top-left, before) shifted
    /// the labels against the image by a quarter of an output pixel on every such edge, which a
    /// render of the scene, aligned with the image, paid as errors on every object's border
    /// (docs/SEGMENTATION.md). Output ⌊W/f⌋×⌊H/f⌋; a factor ≤ 1 returns the map.
    public func downscaled(by factor: Int) -> LabelMap {
        guard factor > 1 else { return self }
        let outW = width / factor, outH = height / factor
        let first = (factor - 1) / 2, even = factor % 2 == 0 ? 1 : 0
        var out = [Int32](repeating: 0, count: outW * outH)
        var block = [Int32](repeating: 0, count: factor * factor)
        for oy in 0..<outH {
            for ox in 0..<outW {
                for y in 0..<factor {
                    for x in 0..<factor { block[y * factor + x] = labels[(oy * factor + y) * width + ox * factor + x] }
                }
                let c = first + even * ((ox + oy) % 2)
                out[oy * outW + ox] = Self.majority(block, centre: block[c * factor + c])
            }
        }
        return LabelMap(width: outW, height: outH, labels: out)
    }

    /// The most frequent label of `block`; ties go to `centre` if tied, else to the smallest.
    static func majority(_ block: [Int32], centre: Int32) -> Int32 {
        var best = centre, bestCount = block.filter { $0 == centre }.count
        for label in block where label != best {
            let count = block.filter { $0 == label }.count
            if count > bestCount || (count == bestCount && best != centre && label < best) { best = label; bestCount = count }
        }
        return best
    }
}
