import CPNG
import Foundation
import SplatMath

extension ImageIO {
    /// Reads a label map: a PNG whose samples are the ids, exactly as stored (no gamma conversion).
    /// - Gray (with or without full alpha): the gray value is the id (16-bit files at full
    ///   precision; 1/2/4-bit gray gives 0...2^d−1).
    /// - 8-bit colour (RGB, RGBA with full alpha, palette), the colour-coded instance maps many
    ///   segmenters write: the colour is the id, r·65536 + g·256 + b, so black is 0 (no mask) and
    ///   one colour means one instance in every file. At most `maximumColours(pixels:)` colours:
    ///   more is a photo, not a label map.
    /// - 16-bit colour: only with equal channels (the gray value is the id).
    /// Anything else (translucent pixels, differing 16-bit channels) is rejected.
    public static func readLabelMap(_ url: URL) throws -> LabelMap {
        let path = url.path
        let data = try FileAccess.read(url)
        guard ImageFormat(sniffing: data) == .png else {
            throw SplatError("a label map must be a PNG file", path: path)
        }
        let header = try PNGCodec.header(data, path: path)
        let decoded = try PNGCodec.decode(data, path: path) { fileFormat in
            let sixteen = fileFormat & PNG_FORMAT_FLAG_LINEAR != 0
            if fileFormat & (PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA) == 0 {
                return (sixteen ? CPNG_FORMAT_LINEAR_Y : CPNG_FORMAT_GRAY, 0)
            }
            // With full alpha everywhere libpng's linear premultiplication changes nothing.
            return (sixteen ? CPNG_FORMAT_LINEAR_RGB_ALPHA : CPNG_FORMAT_RGBA, 0)
        }
        let channels = decoded.format & PNG_FORMAT_FLAG_ALPHA != 0 ? 4 : 1
        // libpng scales low-bit-depth gray to 8 bits (v · 255/(2^d−1)); undo it.
        let divisor = header.colorType == 0 && header.bitDepth < 8 ? Int32(255 / ((1 << header.bitDepth) - 1)) : 1
        // PNG colour types 2 (RGB), 3 (palette) and 6 (RGBA) have the colour bit.
        let isColour = header.colorType & 2 != 0
        let labels: [Int32]?
        switch decoded.samples {
        case .bytes(let bytes) where isColour:
            guard let colours = colourLabels(bytes) else {
                throw SplatError("colour label map has translucent pixels (expected opaque colours, one per instance)",
                                 path: path)
            }
            let limit = maximumColours(pixels: decoded.width * decoded.height)
            guard hasAtMost(limit, distinct: colours) else {
                throw SplatError("has more than the \(limit) distinct colours a colour-coded label map of its size may "
                    + "have (one colour per instance): is it a photo, or a resampled map with blended edges?", path: path)
            }
            labels = colours
        case .bytes(let bytes): labels = grayLabels(bytes, channels: channels, divisor: divisor)
        case .words(let words): labels = grayLabels(words, channels: channels, divisor: 1)
        }
        guard let labels else {
            throw SplatError("label map has several differing channels or translucent pixels (expected a gray PNG, "
                + "or an 8-bit colour PNG with one colour per instance)", path: path)
        }
        return LabelMap(width: decoded.width, height: decoded.height, labels: labels)
    }

    /// The most colours a colour-coded label map of `pixels` pixels may hold: one per 100 pixels on
    /// average, and at least 256. Automatic segmenters give at most a few hundred masks per image;
    /// photos (and maps resampled with blended edges) have one distinct colour per 3-25 pixels.
    static func maximumColours(pixels: Int) -> Int { max(256, pixels / 100) }

    /// Whether `labels` holds at most `limit` distinct values. Only a pixel that differs from the
    /// one before it can bring a new value (label maps are long runs), and it stops past the limit.
    private static func hasAtMost(_ limit: Int, distinct labels: [Int32]) -> Bool {
        var seen = Set<Int32>(), previous: Int32? = nil
        for label in labels where label != previous {
            previous = label
            seen.insert(label)
            if seen.count > limit { return false }
        }
        return true
    }

    /// Writes a label map as a 16-bit gray PNG (always 16-bit, whatever the largest id), atomically.
    /// Ids must lie in 0...65535.
    public static func writeLabelMap(_ map: LabelMap, to url: URL) throws {
        try FileAccess.writeAtomically(try encodedLabelMap(map, path: url.path), to: url)
    }

    /// The bytes `writeLabelMap` writes (`path` names the destination in errors).
    public static func encodedLabelMap(_ map: LabelMap, path: String) throws -> Data {
        guard map.width > 0, map.height > 0, map.labels.count == map.width * map.height else {
            throw SplatError("cannot write a \(map.width)x\(map.height) label map with \(map.labels.count) labels",
                             path: path)
        }
        if let bad = map.labels.firstIndex(where: { $0 < 0 || $0 > 65535 }) {
            throw SplatError("label \(map.labels[bad]) at pixel (\(bad % map.width), \(bad / map.width)) "
                + "is outside 0...65535", path: path)
        }
        let words = map.labels.map { UInt16(truncatingIfNeeded: $0) }
        return try words.withUnsafeBytes {
            try PNGCodec.encode(width: map.width, height: map.height, format: CPNG_FORMAT_LINEAR_Y,
                                samples: $0, path: path)
        }
    }

    /// r·65536 + g·256 + b of RGBA samples as ids, or nil when a pixel's alpha is not full.
    private static func colourLabels(_ samples: [UInt8]) -> [Int32]? {
        let count = samples.count / 4
        var labels = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            guard samples[i * 4 + 3] == 255 else { return nil }
            labels[i] = Int32(samples[i * 4]) << 16 | Int32(samples[i * 4 + 1]) << 8 | Int32(samples[i * 4 + 2])
        }
        return labels
    }

    /// The first channel as ids, or nil when a pixel's colour channels differ or its alpha is not full.
    private static func grayLabels<T: FixedWidthInteger & UnsignedInteger>(
        _ samples: [T], channels: Int, divisor: Int32) -> [Int32]?
    {
        let count = samples.count / channels
        var labels = [Int32](repeating: 0, count: count)
        let consistent = samples.withUnsafeBufferPointer { src in
            labels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    let first = src[i * channels]
                    if channels == 4, src[i * 4 + 1] != first || src[i * 4 + 2] != first || src[i * 4 + 3] != T.max {
                        return false
                    }
                    dst[i] = Int32(first) / divisor
                }
                return true
            }
        }
        return consistent ? labels : nil
    }
}
