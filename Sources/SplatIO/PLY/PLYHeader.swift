import Foundation
import SplatMath

/// The parsed text header of a PLY file.
struct PLYHeader {
    enum Format: String {
        case ascii
        case binaryLittleEndian = "binary_little_endian"
        case binaryBigEndian = "binary_big_endian"
    }

    struct Property {
        var name: String
        var type: PLYScalarType
        /// The count type of a list property (`property list <count> <item> name`); nil for scalars.
        var listCountType: PLYScalarType?
    }

    struct Element {
        var name: String
        var count: Int
        var properties: [Property]

        /// Bytes per row in a binary file, or nil when a list property makes rows variable.
        var fixedRowSize: Int? {
            properties.contains { $0.listCountType != nil } ? nil : properties.reduce(0) { $0 + $1.type.byteCount }
        }
    }

    var format: Format
    var elements: [Element]
    /// Where the payload starts: the byte after the `end_header` line.
    var payloadOffset: Int

    /// Parses the header strictly: `ply`, one `format` line, `element`/`property` lines,
    /// `comment`/`obj_info` lines, `end_header`.
    init(_ data: Data, path: String) throws {
        guard data.starts(with: Array("ply".utf8)) else {
            throw SplatError("not a PLY file (it does not start with 'ply')", path: path)
        }
        let marker = Data("end_header".utf8)
        guard let end = data.range(of: marker, in: data.startIndex..<data.startIndex + min(data.count, 1 << 22)) else {
            throw SplatError("PLY header has no end_header line", path: path)
        }
        var offset = end.upperBound
        if offset < data.endIndex, data[offset] == UInt8(ascii: "\r") { offset += 1 }
        guard offset < data.endIndex ? data[offset] == UInt8(ascii: "\n") : true else {
            throw SplatError("PLY header: end_header is not followed by a line break", path: path)
        }
        payloadOffset = min(offset + 1, data.endIndex) - data.startIndex

        let text = String(decoding: data[data.startIndex..<end.upperBound], as: UTF8.self)
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var format: Format?
        var elements: [Element] = []
        for (number, line) in lines.enumerated().dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            func fail(_ why: String) -> SplatError {
                SplatError("PLY header line \(number + 1) '\(line)': \(why)", path: path)
            }
            guard let keyword = words.first else { continue }
            switch keyword {
            case "comment", "obj_info":
                continue
            case "format":
                guard format == nil else { throw fail("a second format line") }
                guard words.count == 3, let parsed = Format(rawValue: words[1]) else {
                    throw fail("expected 'format ascii|binary_little_endian|binary_big_endian 1.0'")
                }
                guard words[2] == "1.0" || words[2] == "1" else { throw fail("unsupported version \(words[2])") }
                format = parsed
            case "element":
                guard words.count == 3, let count = Int(words[2]), count >= 0 else {
                    throw fail("expected 'element <name> <count>'")
                }
                elements.append(Element(name: words[1], count: count, properties: []))
            case "property":
                guard !elements.isEmpty else { throw fail("property before any element") }
                let property: Property
                if words.count == 5, words[1] == "list" {
                    guard let countType = PLYScalarType(name: words[2]), let itemType = PLYScalarType(name: words[3]),
                          countType.isInteger
                    else { throw fail("unknown list types") }
                    property = Property(name: words[4], type: itemType, listCountType: countType)
                } else if words.count == 3, let type = PLYScalarType(name: words[1]) {
                    property = Property(name: words[2], type: type, listCountType: nil)
                } else {
                    throw fail("expected 'property <type> <name>' with a known type")
                }
                guard !elements[elements.count - 1].properties.contains(where: { $0.name == property.name }) else {
                    throw fail("duplicate property \(property.name)")
                }
                elements[elements.count - 1].properties.append(property)
            case "end_header":
                guard number == lines.count - 1 else { throw fail("unexpected end_header") }
            default:
                throw fail("unknown keyword '\(keyword)'")
            }
        }
        guard lines.last == "end_header" else { throw SplatError("PLY header does not end with end_header", path: path) }
        guard let format else { throw SplatError("PLY header has no format line", path: path) }
        self.format = format
        self.elements = elements
    }

    /// The `vertex` element and the number of elements before it.
    func vertexElement(path: String) throws -> (element: Element, index: Int) {
        guard let index = elements.firstIndex(where: { $0.name == "vertex" }) else {
            throw SplatError("PLY file has no vertex element", path: path)
        }
        let element = elements[index]
        if let list = element.properties.first(where: { $0.listCountType != nil }) {
            throw SplatError("PLY vertex list property '\(list.name)' is not supported", path: path)
        }
        return (element, index)
    }
}

extension PLYScalarType {
    var isInteger: Bool { self != .float32 && self != .float64 }
}
