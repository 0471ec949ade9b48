import SplatMath

/// COCO run-length encoding: run lengths of alternating unset and set pixels in column-major
/// order, starting with unset ones. The compressed string is read exactly as pycocotools'
/// `rleFrString`: each run length is written like LEB128 but with 5 data bits per character
/// (bit 0x20 = more characters follow, bit 0x10 of the last one = negative) as the characters
/// 48...111 ('0'...'o'); from the fourth run on, the value stored is the difference to the run two
/// places before. Errors are `SplatError`s without a path (the caller knows the file).
public enum COCORLE {
    /// The run lengths of a compressed counts string; they must be non-negative and add up to `pixels`.
    public static func counts(compressed: String, pixels: Int) throws -> [Int] {
        var runs = Runs(pixels: pixels)
        let bytes = Array(compressed.utf8)
        var p = 0
        while p < bytes.count {
            let start = p
            var value = 0, shift = 0, more = true
            while more {
                guard p < bytes.count else { throw SplatError("RLE counts string ends inside a number") }
                let c = Int(bytes[p]) - 48
                guard (0..<64).contains(c) else {
                    throw SplatError("RLE counts string has a character outside '0'...'o' at offset \(p)")
                }
                guard shift < 60 else { throw SplatError("RLE counts string has a number too long at offset \(start)") }
                value |= (c & 0x1F) << shift
                more = c & 0x20 != 0
                p += 1
                shift += 5
                if !more && c & 0x10 != 0 { value |= -1 << shift }
            }
            if runs.counts.count > 2 { value += runs.counts[runs.counts.count - 2] }
            try runs.append(value)
        }
        return try runs.finished()
    }

    /// Uncompressed run lengths (a JSON list), checked like the compressed ones.
    public static func counts(uncompressed values: [Int], pixels: Int) throws -> [Int] {
        var runs = Runs(pixels: pixels)
        for value in values { try runs.append(value) }
        return try runs.finished()
    }

    /// Run lengths checked as they arrive: none negative, none past the last pixel, all pixels covered.
    private struct Runs {
        let pixels: Int
        var counts: [Int] = []
        var covered = 0

        mutating func append(_ value: Int) throws {
            guard value >= 0 else { throw SplatError("RLE run \(counts.count) is negative (\(value))") }
            guard value <= pixels - covered else {
                throw SplatError("RLE runs overrun the \(pixels)-pixel mask at run \(counts.count)")
            }
            covered += value
            counts.append(value)
        }

        func finished() throws -> [Int] {
            guard covered == pixels else { throw SplatError("RLE runs cover \(covered) of the mask's \(pixels) pixels") }
            return counts
        }
    }
}
