import Foundation
import SplatMath

extension PLYFile {
    /// Writes the standard 3DGS binary little-endian layout, atomically: x y z nx ny nz (normals 0),
    /// f_dc_0..2, f_rest_0..3(K−1)−1 for the model's SH degree (K = (d+1)², channel-major),
    /// opacity, scale_0..2, rot_0..3, then obj_dc_0..F−1 when `featureCount` F > 0, then `object_id`
    /// (int) when present, then the extra columns with their own types. All else is float.
    public static func writeGaussians(_ ply: GaussianPLY, to url: URL) throws {
        try FileAccess.writeAtomically(try encodedGaussians(ply, path: url.path), to: url)
    }

    /// The bytes `writeGaussians` writes (`path` names the destination in errors).
    public static func encodedGaussians(_ ply: GaussianPLY, path: String) throws -> Data {
        let g = ply.gaussians
        let n = g.count
        try validate(ply, path: path)

        let restPerChannel = (g.shDegree + 1) * (g.shDegree + 1) - 1
        var columns: [(name: String, type: PLYScalarType, source: Source)] = []
        for (k, axis) in ["x", "y", "z"].enumerated() { columns.append((axis, .float32, .float(0, stride: 3, offset: k))) }
        for axis in ["nx", "ny", "nz"] { columns.append((axis, .float32, .zero)) }
        for c in 0..<3 { columns.append(("f_dc_\(c)", .float32, .float(4, stride: GaussianParams.shStride, offset: c))) }
        for c in 0..<3 {
            for k in 1..<restPerChannel + 1 {
                columns.append(("f_rest_\(c * restPerChannel + k - 1)", .float32,
                                .float(4, stride: GaussianParams.shStride, offset: k * 3 + c)))
            }
        }
        columns.append(("opacity", .float32, .float(3, stride: 1, offset: 0)))
        for k in 0..<3 { columns.append(("scale_\(k)", .float32, .float(1, stride: 3, offset: k))) }
        for k in 0..<4 { columns.append(("rot_\(k)", .float32, .float(2, stride: 4, offset: k))) }
        for j in 0..<g.featureCount { columns.append(("obj_dc_\(j)", .float32, .float(5, stride: g.featureCount, offset: j))) }
        if ply.objectIDs != nil { columns.append(("object_id", .int32, .objectID)) }
        for (e, extra) in ply.extraColumns.enumerated() { columns.append((extra.name, extra.type, .extra(e))) }

        let names = columns.map(\.name)
        guard Set(names).count == names.count,
              try GaussianLayout(names, path: path).extraIndices.count == ply.extraColumns.count
        else {
            throw SplatError("extra column names clash with the 3DGS properties or each other: "
                + ply.extraColumns.map(\.name).joined(separator: ", "), path: path)
        }

        var header = "ply\nformat binary_little_endian 1.0\ncomment written by SplatLift\nelement vertex \(n)\n"
        for column in columns { header += "property \(column.type.rawValue) \(column.name)\n" }
        header += "end_header\n"
        let headerBytes = Array(header.utf8)
        var byteOffset = 0
        let placed = columns.map { column -> Placed in
            defer { byteOffset += column.type.byteCount }
            return Placed(type: column.type, source: column.source, byteOffset: byteOffset)
        }
        let rowSize = byteOffset

        var out = Data(count: headerBytes.count + n * rowSize)
        out.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            raw.copyBytes(from: headerBytes)
            let payload = base + headerBytes.count
            g.withBuffers { floats in
                (ply.objectIDs ?? []).withUnsafeBufferPointer { ids in
                    placed.withUnsafeBufferPointer { placed in
                        for row in 0..<n {
                            let rowBase = payload + row * rowSize
                            for column in placed {
                                let at = rowBase + column.byteOffset
                                switch column.source {
                                case .float(let buffer, let stride, let offset):
                                    at.storeBytes(of: floats[buffer][row * stride + offset], as: Float.self)
                                case .zero: at.storeBytes(of: Float(0), as: Float.self)
                                case .objectID: at.storeBytes(of: ids[row], as: Int32.self)
                                case .extra(let e): store(ply.extraColumns[e].values[row], column.type, at: at)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    private enum Source {
        case float(Int, stride: Int, offset: Int)  // buffer index as in `withBuffers`
        case zero, objectID
        case extra(Int)
    }

    private struct Placed {
        var type: PLYScalarType
        var source: Source
        var byteOffset: Int
    }

    private static func validate(_ ply: GaussianPLY, path: String) throws {
        let g = ply.gaussians
        let n = g.count
        guard (0...3).contains(g.shDegree) else { throw SplatError("SH degree \(g.shDegree) is not 0...3", path: path) }
        let sizes = [("means", g.means.count, 3 * n), ("logScales", g.logScales.count, 3 * n),
                     ("rotations", g.rotations.count, 4 * n), ("opacityLogits", g.opacityLogits.count, n),
                     ("sh", g.sh.count, GaussianParams.shStride * n), ("features", g.features.count, g.featureCount * n),
                     ("objectIDs", ply.objectIDs?.count ?? n, n)]
            + ply.extraColumns.map { ("column \($0.name)", $0.values.count, n) }
        if let bad = sizes.first(where: { $0.1 != $0.2 }) {
            throw SplatError("cannot write \(n) Gaussians: \(bad.0) has \(bad.1) values, expected \(bad.2)", path: path)
        }
        for column in ply.extraColumns {
            guard !column.name.isEmpty, !column.name.contains(where: \.isWhitespace) else {
                throw SplatError("column name '\(column.name)' is empty or has spaces", path: path)
            }
            if let row = column.values.firstIndex(where: { !column.type.represents($0) }) {
                throw SplatError("column \(column.name): value \(column.values[row]) at vertex \(row) does not fit "
                    + column.type.rawValue, path: path)
            }
        }
    }

    /// Stores a value already checked to fit `type`, little-endian.
    @inline(__always)
    private static func store(_ value: Double, _ type: PLYScalarType, at: UnsafeMutableRawPointer) {
        switch type {
        case .int8: at.storeBytes(of: Int8(value), as: Int8.self)
        case .uint8: at.storeBytes(of: UInt8(value), as: UInt8.self)
        case .int16: at.storeBytes(of: Int16(value), as: Int16.self)
        case .uint16: at.storeBytes(of: UInt16(value), as: UInt16.self)
        case .int32: at.storeBytes(of: Int32(value), as: Int32.self)
        case .uint32: at.storeBytes(of: UInt32(value), as: UInt32.self)
        case .float32: at.storeBytes(of: Float(value), as: Float.self)
        case .float64: at.storeBytes(of: value, as: Double.self)
        }
    }
}

extension GaussianParams {
    /// Runs `body` with buffers of means, logScales, rotations, opacityLogits, sh, features.
    fileprivate func withBuffers<R>(_ body: ([UnsafeBufferPointer<Float>]) throws -> R) rethrows -> R {
        try means.withUnsafeBufferPointer { means in
            try logScales.withUnsafeBufferPointer { scales in
                try rotations.withUnsafeBufferPointer { rotations in
                    try opacityLogits.withUnsafeBufferPointer { opacities in
                        try sh.withUnsafeBufferPointer { sh in
                            try features.withUnsafeBufferPointer { features in
                                try body([means, scales, rotations, opacities, sh, features])
                            }
                        }
                    }
                }
            }
        }
    }
}
