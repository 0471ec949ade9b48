import Foundation
import SplatMath

extension PLYFile {
    /// Reads the positions (x, y, z, required) and, when the vertex has red, green and blue, the
    /// colours of any vertex PLY: interleaved 3·N floats each. Colours are scaled to [0, 1] from
    /// uchar (/255) or ushort (/65535); float colours are taken as stored. Non-finite positions and
    /// colours are rejected, naming the vertex and the property.
    public static func readPoints(_ url: URL) throws -> (positions: [Float], colors: [Float]?) {
        let path = url.path
        let data = try FileAccess.read(url)
        let header = try PLYHeader(data, path: path)
        let (vertex, _) = try header.vertexElement(path: path)
        try PLYVertexDecoder.checkVertexCount(data, header: header, path: path)
        let names = vertex.properties.map(\.name)
        if let missing = ["x", "y", "z"].first(where: { !names.contains($0) }) {
            throw SplatError("PLY vertex has no \(missing) property (x, y and z are required)", path: path)
        }
        let hasColors = ["red", "green", "blue"].allSatisfy(names.contains)
        let sinks = vertex.properties.map { property -> PLYSink in
            if let axis = ["x", "y", "z"].firstIndex(of: property.name) {
                return PLYSink(kind: .float, buffer: 0, stride: 3, offset: axis)
            }
            if hasColors, let channel = ["red", "green", "blue"].firstIndex(of: property.name) {
                let scale = switch property.type {
                case .uint8: 1.0 / 255
                case .uint16: 1.0 / 65535
                default: 1.0
                }
                return PLYSink(kind: .float, buffer: 1, stride: 3, offset: channel, scale: scale)
            }
            return .skip
        }
        var positions = [Float](repeating: 0, count: 3 * vertex.count)
        var colors = [Float](repeating: 0, count: hasColors ? 3 * vertex.count : 0)
        try positions.withUnsafeMutableBufferPointer { p in
            try colors.withUnsafeMutableBufferPointer { c in
                try PLYVertexDecoder.decode(data, header: header, path: path, sinks: sinks,
                                            into: PLYDestinations(floats: [p, c]))
            }
        }
        return (positions, hasColors ? colors : nil)
    }
}
