import Foundation
import SplatMath

/// Bounds-checked little-endian reads from a file's bytes; every failure names the file, the
/// byte offset and the record being read.
struct BinaryCursor {
    let path: String
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// What is being read, for error messages (e.g. "image 3").
    var record = "header"

    init(url: URL) throws {
        path = url.path
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw SplatError("cannot read file (\(error.localizedDescription))", path: url.path)
        }
    }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    func error(_ message: String) -> SplatError {
        SplatError("\(record) (byte \(offset)): \(message)", path: path)
    }

    private mutating func take(_ n: Int) throws -> Int {
        guard n <= remaining else { throw error("file ends early (needs \(n) more bytes, has \(remaining))") }
        defer { offset += n }
        return offset
    }

    mutating func uint64() throws -> UInt64 {
        let o = try take(8)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[o + k]) << (8 * UInt64(k)) }
        return v
    }

    mutating func uint32() throws -> UInt32 {
        let o = try take(4)
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[o + k]) << (8 * UInt32(k)) }
        return v
    }

    mutating func int32() throws -> Int32 { Int32(bitPattern: try uint32()) }
    mutating func int64() throws -> Int64 { Int64(bitPattern: try uint64()) }
    mutating func uint8() throws -> UInt8 { bytes[try take(1)] }

    /// A finite double.
    mutating func double(_ what: String) throws -> Double {
        let v = Double(bitPattern: try uint64())
        guard v.isFinite else { throw error("\(what) is not finite (\(v))") }
        return v
    }

    /// A count that must fit in the rest of the file at `minBytesEach` bytes per element.
    mutating func count(_ what: String, minBytesEach: Int) throws -> Int {
        let n = try uint64()
        guard n <= UInt64(remaining / max(1, minBytesEach)) else {
            throw error("\(what) \(n) does not fit in the remaining \(remaining) bytes")
        }
        return Int(n)
    }

    /// A NUL-terminated UTF-8 string.
    mutating func cString() throws -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw error("name has no terminating NUL") }
        let s = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset = end + 1
        return s
    }
}

/// Little-endian output buffer for the binary writers.
struct BinaryBuffer {
    private(set) var data = Data()
    mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func uint32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func int32(_ v: Int32) { uint32(UInt32(bitPattern: v)) }
    mutating func int64(_ v: Int64) { uint64(UInt64(bitPattern: v)) }
    mutating func uint8(_ v: UInt8) { data.append(v) }
    mutating func double(_ v: Double) { uint64(v.bitPattern) }
    mutating func cString(_ s: String) { data.append(contentsOf: Array(s.utf8)); data.append(0) }
}
