import Foundation
import SplatMath

/// A whitespace-separated text file split into lines of fields, with strict number parsing that
/// names the file and line on every error. Used by the COLMAP text reader.
struct TextFields {
    let path: String
    /// The file bytes followed by a 0, so `strtod` can parse in place.
    private let bytes: [UInt8]
    /// Lines as byte ranges (without the line break), in file order.
    let lines: [Range<Int>]

    init(url: URL) throws {
        path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SplatError("cannot read file (\(error.localizedDescription))", path: url.path)
        }
        var b = [UInt8](data)
        var ranges: [Range<Int>] = []
        var start = 0
        for i in 0..<b.count where b[i] == 0x0A {
            ranges.append(start..<(i > start && b[i - 1] == 0x0D ? i - 1 : i))
            start = i + 1
        }
        if start < b.count { ranges.append(start..<(b.last == 0x0D ? b.count - 1 : b.count)) }
        b.append(0)
        bytes = b
        lines = ranges
    }

    /// True for a blank line or a `#` comment.
    func isSkippable(_ line: Int) -> Bool {
        let r = lines[line]
        for i in r where !Self.isSpace(bytes[i]) { return bytes[i] == UInt8(ascii: "#") }
        return true
    }

    /// The fields of a line as byte ranges.
    func fields(_ line: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = lines[line].lowerBound
        let end = lines[line].upperBound
        while i < end {
            while i < end && Self.isSpace(bytes[i]) { i += 1 }
            let s = i
            while i < end && !Self.isSpace(bytes[i]) { i += 1 }
            if i > s { out.append(s..<i) }
        }
        return out
    }

    func string(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

    /// The text from the start of field `r` to the end of its line, trimmed (names may hold spaces).
    func rest(of r: Range<Int>, line: Int) -> String {
        string(r.lowerBound..<lines[line].upperBound).trimmingCharacters(in: .whitespaces)
    }

    /// A finite Double, or an error naming the line.
    func double(_ r: Range<Int>, line: Int, what: String) throws -> Double {
        let v: Double = bytes.withUnsafeBufferPointer { buf in
            let start = UnsafeMutableRawPointer(mutating: buf.baseAddress! + r.lowerBound)
                .assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>? = nil
            let x = strtod(start, &end)
            return end.map { $0 == start + r.count } == true ? x : .nan
        }
        guard v.isFinite else { throw error(line: line, "\(what) is not a finite number: '\(string(r))'") }
        return v
    }

    /// An integer, or an error naming the line.
    func int(_ r: Range<Int>, line: Int, what: String) throws -> Int {
        var i = r.lowerBound
        var negative = false
        if i < r.upperBound && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-"); i += 1
        }
        var v = 0
        var ok = i < r.upperBound
        while ok && i < r.upperBound {
            let d = Int(bytes[i]) - 48
            let (tens, overflow) = v.multipliedReportingOverflow(by: 10)
            ok = d >= 0 && d <= 9 && !overflow && tens <= Int.max - d
            v = tens &+ d
            i += 1
        }
        guard ok else { throw error(line: line, "\(what) is not an integer in 64 bits: '\(string(r))'") }
        return negative ? -v : v
    }

    func error(line: Int, _ message: String) -> SplatError {
        SplatError("line \(line + 1): \(message)", path: path)
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }
}
