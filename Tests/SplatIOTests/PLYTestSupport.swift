import Foundation
import SplatMath
import SplatTestSupport
@testable import SplatIO

/// Test-side PLY construction, independent of `PLYFile`'s writer.
enum PLYTestSupport {
    enum Format: String {
        case ascii, littleEndian = "binary_little_endian", bigEndian = "binary_big_endian"
    }

    /// A PLY with a `camera` element (one fixed-size row) before `vertex` and a `face` list element
    /// after it, holding `rows` (one value per property) in the given format.
    static func make(_ format: Format, properties: [(PLYScalarType, String)], rows: [[Double]],
                     claimedCount: Int? = nil) -> Data
    {
        var header = "ply\nformat \(format.rawValue) 1.0\ncomment test file\n"
        header += "element camera 1\nproperty float fx\nproperty int width\n"
        header += "element vertex \(claimedCount ?? rows.count)\n"
        for (type, name) in properties { header += "property \(type.rawValue) \(name)\n" }
        header += "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
        var out = Data(header.utf8)
        func binary(_ value: Double, _ type: PLYScalarType) {
            var bytes: [UInt8]
            switch type {
            case .int8: bytes = [UInt8(bitPattern: Int8(value))]
            case .uint8: bytes = [UInt8(value)]
            case .int16: bytes = withUnsafeBytes(of: Int16(value).littleEndian, Array.init)
            case .uint16: bytes = withUnsafeBytes(of: UInt16(value).littleEndian, Array.init)
            case .int32: bytes = withUnsafeBytes(of: Int32(value).littleEndian, Array.init)
            case .uint32: bytes = withUnsafeBytes(of: UInt32(value).littleEndian, Array.init)
            case .float32: bytes = withUnsafeBytes(of: Float(value).bitPattern.littleEndian, Array.init)
            case .float64: bytes = withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
            }
            out.append(contentsOf: format == .bigEndian ? bytes.reversed() : bytes)
        }
        if format == .ascii {
            out.append(contentsOf: "500.5 640\n".utf8)
            for row in rows {
                out.append(contentsOf: (row.map { ascii($0) }.joined(separator: " ") + "\n").utf8)
            }
            out.append(contentsOf: "3 0 1 2\n".utf8)
        } else {
            binary(500.5, .float32)
            binary(640, .int32)
            for row in rows { for (value, (type, _)) in zip(row, properties) { binary(value, type) } }
            binary(3, .uint8)
            for index in 0..<3 { binary(Double(index), .int32) }
        }
        return out
    }

    private static func ascii(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// Random Gaussians using exactly the bands and features the layout stores.
    static func randomGaussians(count: Int, shDegree: Int, featureCount: Int, seed: UInt64) -> GaussianParams {
        var rng = SplatRandom(seed: seed)
        var g = GaussianParams(count: count, shDegree: shDegree, featureCount: featureCount)
        func r() -> Float { Float(rng.normal()) }
        g.means = (0..<3 * count).map { _ in r() }
        g.logScales = (0..<3 * count).map { _ in r() - 3 }
        g.rotations = (0..<4 * count).map { _ in r() }
        g.opacityLogits = (0..<count).map { _ in r() }
        let bands = (shDegree + 1) * (shDegree + 1)
        for i in 0..<count {
            for k in 0..<bands { for c in 0..<3 { g.sh[i * 48 + k * 3 + c] = r() } }
        }
        g.features = (0..<featureCount * count).map { _ in r() }
        return g
    }

    static func temporaryURL(_ name: String) throws -> URL {
        try TestData.temporaryDirectory("ply").appendingPathComponent(name)
    }
}
