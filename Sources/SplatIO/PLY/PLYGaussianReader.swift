import Foundation
import SplatMath

/// Reading and writing PLY point clouds. Errors are one-line `SplatError`s naming the file.
public enum PLYFile {}

extension PLYFile {
    /// Reads a 3DGS PLY (binary little or big endian, or ascii); see `GaussianPLY` for the mapping
    /// of properties and the defaults of missing ones. A non-finite value of any Gaussian property
    /// (NaN, ±Inf, or a double beyond Float's range) is rejected, naming the vertex and the
    /// property; unknown extra properties are taken as stored.
    public static func readGaussians(_ url: URL) throws -> GaussianPLY {
        let path = url.path
        let data = try FileAccess.read(url)
        let header = try PLYHeader(data, path: path)
        let (vertex, _) = try header.vertexElement(path: path)
        try PLYVertexDecoder.checkVertexCount(data, header: header, path: path)
        let layout = try GaussianLayout(vertex.properties.map(\.name), path: path)
        let count = vertex.count

        var gaussians = GaussianParams(count: count, shDegree: layout.shDegree, featureCount: layout.featureCount)
        if !layout.hasOpacity {
            gaussians.opacityLogits = [Float](repeating: GaussianPLY.defaultOpacityLogit, count: count)
        }
        if !layout.hasScales {
            gaussians.logScales = [Float](repeating: GaussianPLY.defaultLogScale, count: 3 * count)
        }
        var objectIDs = [Int32](repeating: 0, count: layout.hasObjectID ? count : 0)
        var extras = [Double](repeating: 0, count: layout.extraIndices.count * count)
        let sinks = layout.sinks(count: count)
        try gaussians.withMutableBuffers { floats in
            try objectIDs.withUnsafeMutableBufferPointer { ids in
                try extras.withUnsafeMutableBufferPointer { extra in
                    let destinations = PLYDestinations(floats: floats, doubles: [extra], int32s: [ids])
                    try PLYVertexDecoder.decode(data, header: header, path: path, sinks: sinks, into: destinations)
                }
            }
        }
        let extraColumns = layout.extraIndices.enumerated().map { column, property in
            PLYColumn(name: vertex.properties[property].name, type: vertex.properties[property].type,
                      values: Array(extras[column * count..<(column + 1) * count]))
        }
        return GaussianPLY(gaussians: gaussians, objectIDs: layout.hasObjectID ? objectIDs : nil,
                           extraColumns: extraColumns)
    }
}

/// Which 3DGS quantity each vertex property holds.
struct GaussianLayout {
    enum Role {
        case mean(Int), normal, dc(Int), rest(Int), opacity, scale(Int), rotation(Int), feature(Int), objectID, extra
    }

    var roles: [Role]
    var shDegree = 0
    var featureCount = 0
    var hasOpacity = false
    var hasScales = false
    var hasObjectID = false
    var extraIndices: [Int] = []

    init(_ names: [String], path: String) throws {
        func indexed(_ name: String, _ prefix: String) -> Int? {
            guard name.hasPrefix(prefix), let index = Int(name.dropFirst(prefix.count)), index >= 0,
                  String(index) == name.dropFirst(prefix.count) else { return nil }
            return index
        }
        let fixed: [String: Role] = [
            "x": .mean(0), "y": .mean(1), "z": .mean(2), "nx": .normal, "ny": .normal, "nz": .normal,
            "f_dc_0": .dc(0), "f_dc_1": .dc(1), "f_dc_2": .dc(2), "opacity": .opacity,
            "scale_0": .scale(0), "scale_1": .scale(1), "scale_2": .scale(2),
            "rot_0": .rotation(0), "rot_1": .rotation(1), "rot_2": .rotation(2), "rot_3": .rotation(3),
            "object_id": .objectID,
        ]
        roles = names.map { name in
            if let role = fixed[name] { return role }
            if let k = indexed(name, "f_rest_") { return .rest(k) }
            if let k = indexed(name, "obj_dc_") { return .feature(k) }
            return .extra
        }
        func require(_ group: [String]) throws -> Bool {
            let present = group.filter(names.contains)
            guard present.isEmpty || present.count == group.count else {
                let missing = group.filter { !names.contains($0) }
                throw SplatError("PLY vertex has \(present.joined(separator: ", ")) but not \(missing.joined(separator: ", "))",
                                 path: path)
            }
            return !present.isEmpty
        }
        if let missing = ["x", "y", "z"].first(where: { !names.contains($0) }) {
            throw SplatError("PLY vertex has no \(missing) property (x, y and z are required)", path: path)
        }
        _ = try require(["f_dc_0", "f_dc_1", "f_dc_2"])
        _ = try require(["nx", "ny", "nz"])
        hasScales = try require(["scale_0", "scale_1", "scale_2"])
        _ = try require(["rot_0", "rot_1", "rot_2", "rot_3"])
        hasOpacity = names.contains("opacity")
        hasObjectID = names.contains("object_id")

        let rest = roles.compactMap { if case .rest(let k) = $0 { k } else { nil } }
        guard let degree = [0: 0, 9: 1, 24: 2, 45: 3][rest.count], Set(rest) == Set(0..<rest.count) else {
            throw SplatError("PLY has \(rest.count) f_rest properties; expected f_rest_0.. with 0, 9, 24 or 45 of them",
                             path: path)
        }
        shDegree = degree
        let features = roles.compactMap { if case .feature(let k) = $0 { k } else { nil } }
        guard Set(features) == Set(0..<features.count) else {
            throw SplatError("PLY obj_dc properties are not obj_dc_0..obj_dc_\(features.count - 1)", path: path)
        }
        featureCount = features.count
        extraIndices = roles.indices.filter { if case .extra = roles[$0] { true } else { false } }
    }

    /// Sinks into the buffers of `GaussianParams.withMutableBuffers`, the extras buffer
    /// (column-major) and the object-id buffer.
    func sinks(count: Int) -> [PLYSink] {
        // f_rest_{c·(K−1) + (k−1)} holds coefficient k ≥ 1 of channel c; sh is [i·48 + k·3 + c].
        let restPerChannel = (shDegree + 1) * (shDegree + 1) - 1
        var extraColumn = 0
        return roles.map { role in
            switch role {
            case .mean(let k): return PLYSink(kind: .float, buffer: 0, stride: 3, offset: k)
            case .scale(let k): return PLYSink(kind: .float, buffer: 1, stride: 3, offset: k)
            case .rotation(let k): return PLYSink(kind: .float, buffer: 2, stride: 4, offset: k)
            case .opacity: return PLYSink(kind: .float, buffer: 3, stride: 1, offset: 0)
            case .dc(let c): return PLYSink(kind: .float, buffer: 4, stride: GaussianParams.shStride, offset: c)
            case .rest(let j):
                let (c, k) = (j / restPerChannel, j % restPerChannel + 1)
                return PLYSink(kind: .float, buffer: 4, stride: GaussianParams.shStride, offset: k * 3 + c)
            case .feature(let j): return PLYSink(kind: .float, buffer: 5, stride: featureCount, offset: j)
            case .objectID: return PLYSink(kind: .int32, buffer: 0, stride: 1, offset: 0)
            case .normal: return .skip
            case .extra:
                defer { extraColumn += 1 }
                return PLYSink(kind: .double, buffer: 0, stride: 1, offset: extraColumn * count)
            }
        }
    }
}

