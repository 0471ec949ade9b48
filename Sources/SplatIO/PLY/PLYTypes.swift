import Foundation
import SplatMath

/// A PLY scalar type; the raw value is the name `writeGaussians` uses. Readers also accept the
/// aliases int8, uint8, int16, uint16, int32, uint32, float32 and float64.
public enum PLYScalarType: String, Sendable {
    case int8 = "char", uint8 = "uchar", int16 = "short", uint16 = "ushort"
    case int32 = "int", uint32 = "uint", float32 = "float", float64 = "double"

    /// Parses a type name or its alias.
    public init?(name: String) {
        if let type = PLYScalarType(rawValue: name) {
            self = type
            return
        }
        let aliases: [String: PLYScalarType] = [
            "int8": .int8, "uint8": .uint8, "int16": .int16, "uint16": .uint16,
            "int32": .int32, "uint32": .uint32, "float32": .float32, "float64": .float64,
        ]
        guard let type = aliases[name] else { return nil }
        self = type
    }

    /// Bytes per value in a binary file.
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .float64: 8
        }
    }

    /// Whether `value` is stored by this type without change (NaN and ±∞ only in float types).
    func represents(_ value: Double) -> Bool {
        switch self {
        case .int8: Int8(exactly: value) != nil
        case .uint8: UInt8(exactly: value) != nil
        case .int16: Int16(exactly: value) != nil
        case .uint16: UInt16(exactly: value) != nil
        case .int32: Int32(exactly: value) != nil
        case .uint32: UInt32(exactly: value) != nil
        case .float32: value.isNaN || Double(Float(value)) == value
        case .float64: true
        }
    }
}

/// One vertex property kept verbatim: its name, stored type and one value per vertex.
public struct PLYColumn: Sendable, Equatable {
    public var name: String
    public var type: PLYScalarType
    public var values: [Double]

    public init(name: String, type: PLYScalarType, values: [Double]) {
        self.name = name
        self.type = type
        self.values = values
    }
}

/// A 3DGS point cloud as stored in a PLY file.
///
/// Reading maps the standard 3DGS properties into `gaussians`: x y z (required), f_dc_0..2,
/// f_rest_* (0, 9, 24 or 45 of them → SH degree 0...3), opacity, scale_0..2, rot_0..3 and
/// obj_dc_0..K−1 (the identity feature, `featureCount` = K). Each group must be complete when
/// present; a missing group takes a default: f_dc 0 (grey), opacity logit(0.99), scales log(0.01),
/// rotation identity. The normals nx ny nz are dropped (writing stores zeros, as 3DGS does).
/// `object_id` goes to `objectIDs`; every other property is kept in `extraColumns` in file order.
public struct GaussianPLY: Sendable, Equatable {
    public var gaussians: GaussianParams
    /// The integer `object_id` property, when present.
    public var objectIDs: [Int32]?
    /// Unrecognised vertex properties, with their types, in file order.
    public var extraColumns: [PLYColumn]

    public init(gaussians: GaussianParams, objectIDs: [Int32]? = nil, extraColumns: [PLYColumn] = []) {
        self.gaussians = gaussians
        self.objectIDs = objectIDs
        self.extraColumns = extraColumns
    }

    /// Opacity logit used when the file has no `opacity` property: logit(0.99).
    public static let defaultOpacityLogit: Float = Float(log(0.99 / 0.01))
    /// Log-scale used when the file has no `scale_*` properties: log(0.01).
    public static let defaultLogScale: Float = Float(log(0.01))
}
