import Foundation
import SplatMath

/// Where one vertex property's value goes: `buffer[row * stride + offset]` of the destination of
/// its kind, multiplied by `scale` (floats only).
struct PLYSink {
    enum Kind { case skip, float, double, int32 }
    var kind: Kind
    var buffer: Int = 0
    var stride: Int = 1
    var offset: Int = 0
    var scale: Double = 1

    static let skip = PLYSink(kind: .skip)
}

/// The buffers sinks write into (each sized for every row it receives).
struct PLYDestinations {
    var floats: [UnsafeMutableBufferPointer<Float>] = []
    var doubles: [UnsafeMutableBufferPointer<Double>] = []
    var int32s: [UnsafeMutableBufferPointer<Int32>] = []
}

/// Decodes the rows of the `vertex` element (binary either endianness, or ascii), in row order,
/// storing each property through its sink. Elements before `vertex` are skipped; anything after
/// it is never read.
enum PLYVertexDecoder {
    static func decode(_ data: Data, header: PLYHeader, path: String, sinks: [PLYSink],
                       into destinations: PLYDestinations) throws
    {
        let (vertex, vertexIndex) = try header.vertexElement(path: path)
        let columns = zip(vertex.properties, sinks).enumerated().compactMap { index, pair -> Column? in
            pair.1.kind == .skip ? nil : Column(index: index, type: pair.0.type, sink: pair.1)
        }
        try data.withUnsafeBytes { bytes in
            let store = Store(destinations: destinations, names: vertex.properties.map(\.name), path: path)
            if header.format == .ascii {
                var reader = ASCIIReader(bytes: bytes, position: header.payloadOffset)
                for element in header.elements[..<vertexIndex] {
                    for _ in 0..<element.count where !reader.skipLine() {
                        throw SplatError("file ends inside element '\(element.name)' before the vertices", path: path)
                    }
                }
                try decodeASCII(&reader, vertex: vertex, columns: columns, store: store, path: path)
            } else {
                let bigEndian = header.format == .binaryBigEndian
                var offset = header.payloadOffset
                for element in header.elements[..<vertexIndex] {
                    offset = try skipBinary(element, bytes: bytes, from: offset, bigEndian: bigEndian, path: path)
                }
                try decodeBinary(bytes, from: offset, vertex: vertex, columns: columns, bigEndian: bigEndian,
                                 store: store, path: path)
            }
        }
    }

    /// The most vertices a file may hold (about 30 GB of Gaussians with their optimiser state).
    static let maxVertices = 1 << 27

    /// Fails early, before anything is allocated, when the header claims more than `maxVertices`
    /// or the file is too short for the vertex count in its header (the exact check, after
    /// skipping earlier elements, happens while decoding).
    static func checkVertexCount(_ data: Data, header: PLYHeader, path: String) throws {
        let (vertex, _) = try header.vertexElement(path: path)
        guard vertex.count <= maxVertices else {
            throw SplatError("header claims \(vertex.count) vertices, more than the limit of \(maxVertices)", path: path)
        }
        let payload = max(0, data.count - header.payloadOffset)
        // An ascii value takes at least two bytes (a digit and a separator).
        let rowSize = header.format == .ascii ? 2 * vertex.properties.count
            : vertex.properties.reduce(0) { $0 + $1.type.byteCount }
        guard rowSize > 0, vertex.count > payload / rowSize else { return }
        let complete = header.format == .ascii ? "at most \(payload / rowSize)" : "\(payload / rowSize)"
        throw SplatError("file ends after \(complete) of \(vertex.count) vertices", path: path)
    }

    /// A property that is stored somewhere (plain data: the hot loop copies it per value).
    private struct Column {
        var index: Int
        var type: PLYScalarType
        var sink: PLYSink
        var byteOffset = 0
    }

    /// Writes one value through a sink.
    private struct Store {
        var destinations: PLYDestinations
        var names: [String]
        var path: String

        @inline(__always)
        func put(_ value: Double, _ sink: PLYSink, row: Int, property: Int) throws {
            let at = row * sink.stride + sink.offset
            switch sink.kind {
            case .skip: break
            case .float:
                let float = Float(value * sink.scale)
                guard float.isFinite else {
                    throw SplatError("vertex \(row) has a non-finite \(names[property]) (\(value))", path: path)
                }
                destinations.floats[sink.buffer][at] = float
            case .double: destinations.doubles[sink.buffer][at] = value
            case .int32:
                guard let integer = Int32(exactly: value) else {
                    throw SplatError("vertex \(row): \(names[property]) = \(value) is not a 32-bit integer", path: path)
                }
                destinations.int32s[sink.buffer][at] = integer
            }
        }
    }

    private static func decodeBinary(_ bytes: UnsafeRawBufferPointer, from start: Int, vertex: PLYHeader.Element,
                                     columns: [Column], bigEndian: Bool, store: Store, path: String) throws
    {
        var byteOffsets: [Int] = []
        var rowSize = 0
        for property in vertex.properties {
            byteOffsets.append(rowSize)
            rowSize += property.type.byteCount
        }
        let available = max(0, bytes.count - start)
        let complete = rowSize == 0 ? vertex.count : min(vertex.count, available / rowSize)
        guard complete == vertex.count else {
            throw SplatError("file ends after \(complete) of \(vertex.count) vertices", path: path)
        }
        let placed = columns.map { column -> Column in
            var column = column
            column.byteOffset = byteOffsets[column.index]
            return column
        }
        guard let base = bytes.baseAddress else { return }
        try placed.withUnsafeBufferPointer { columns in
            for row in 0..<vertex.count {
                let rowBase = base + start + row * rowSize
                for column in columns {
                    let value = load(rowBase + column.byteOffset, column.type, bigEndian: bigEndian)
                    try store.put(value, column.sink, row: row, property: column.index)
                }
            }
        }
    }

    @inline(__always)
    static func load(_ at: UnsafeRawPointer, _ type: PLYScalarType, bigEndian: Bool) -> Double {
        switch type {
        case .int8: return Double(at.load(as: Int8.self))
        case .uint8: return Double(at.load(as: UInt8.self))
        case .int16:
            let v = at.loadUnaligned(as: UInt16.self)
            return Double(Int16(bitPattern: bigEndian ? v.byteSwapped : v))
        case .uint16:
            let v = at.loadUnaligned(as: UInt16.self)
            return Double(bigEndian ? v.byteSwapped : v)
        case .int32:
            let v = at.loadUnaligned(as: UInt32.self)
            return Double(Int32(bitPattern: bigEndian ? v.byteSwapped : v))
        case .uint32:
            let v = at.loadUnaligned(as: UInt32.self)
            return Double(bigEndian ? v.byteSwapped : v)
        case .float32:
            let v = at.loadUnaligned(as: UInt32.self)
            return Double(Float(bitPattern: bigEndian ? v.byteSwapped : v))
        case .float64:
            let v = at.loadUnaligned(as: UInt64.self)
            return Double(bitPattern: bigEndian ? v.byteSwapped : v)
        }
    }

    /// The offset after a binary element's rows (walking list counts when rows vary in size).
    private static func skipBinary(_ element: PLYHeader.Element, bytes: UnsafeRawBufferPointer, from start: Int,
                                   bigEndian: Bool, path: String) throws -> Int
    {
        let truncated = SplatError("file ends inside element '\(element.name)' before the vertices", path: path)
        if let rowSize = element.fixedRowSize {
            let (size, overflow) = rowSize.multipliedReportingOverflow(by: element.count)
            guard !overflow, start + size <= bytes.count else { throw truncated }
            return start + size
        }
        guard let base = bytes.baseAddress else { throw truncated }
        var offset = start
        for _ in 0..<element.count {
            for property in element.properties {
                var size = property.type.byteCount
                if let countType = property.listCountType {
                    guard offset + countType.byteCount <= bytes.count else { throw truncated }
                    let count = load(base + offset, countType, bigEndian: bigEndian)
                    guard count >= 0, count < 1e9 else { throw SplatError("bad list length in element '\(element.name)'", path: path) }
                    offset += countType.byteCount
                    size *= Int(count)
                }
                guard offset + size <= bytes.count else { throw truncated }
                offset += size
            }
        }
        return offset
    }

    private static func decodeASCII(_ reader: inout ASCIIReader, vertex: PLYHeader.Element, columns: [Column],
                                    store: Store, path: String) throws
    {
        var sinks = [PLYSink](repeating: .skip, count: vertex.properties.count)
        for column in columns { sinks[column.index] = column.sink }
        let names = vertex.properties.map(\.name)
        for row in 0..<vertex.count {
            guard reader.skipBlankLines() else {
                throw SplatError("file ends after \(row) of \(vertex.count) vertices", path: path)
            }
            for (index, sink) in sinks.enumerated() {
                guard let value = reader.number() else {
                    throw SplatError("vertex \(row): value \(index + 1) of \(names.count) (\(names[index])) is missing "
                        + "or not a number", path: path)
                }
                try store.put(value, sink, row: row, property: index)
            }
            guard reader.atLineEnd() else {
                throw SplatError("vertex \(row) has more than \(names.count) values", path: path)
            }
        }
    }
}

/// A cursor over ascii PLY rows: numbers separated by spaces or tabs, one row per line.
private struct ASCIIReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == cr || byte == lf }

    /// Moves past the current line; false at the end of the data.
    mutating func skipLine() -> Bool {
        guard position < bytes.count else { return false }
        while position < bytes.count, bytes[position] != Self.lf { position += 1 }
        position += 1
        return true
    }

    /// Moves to the next non-blank character; false at the end of the data.
    mutating func skipBlankLines() -> Bool {
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        return position < bytes.count
    }

    private mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == Self.space || bytes[position] == Self.tab { position += 1 }
    }

    /// The next number on this line (decimal, exponent, nan, inf), or nil.
    mutating func number() -> Double? {
        skipSpaces()
        let start = position
        while position < bytes.count, !Self.isWhitespace(bytes[position]) { position += 1 }
        let length = position - start
        guard length > 0, length < 64, let source = bytes.baseAddress else { return nil }
        // strtod on a NUL-terminated copy: the token is not terminated inside the file.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { token -> Double? in
            guard let text = token.baseAddress else { return nil }
            UnsafeMutableRawPointer(text).copyMemory(from: source + start, byteCount: length)
            text[length] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(text, &end)
            return end == text + length ? value : nil
        }
    }

    /// Whether only spaces remain on this line; moves past its line break.
    mutating func atLineEnd() -> Bool {
        skipSpaces()
        if position < bytes.count, bytes[position] == Self.cr { position += 1 }
        if position >= bytes.count { return true }
        guard bytes[position] == Self.lf else { return false }
        position += 1
        return true
    }
}
