import Foundation
import SplatMath

/// A JSON file that names its own format ("format": "splatlift-objects-2"), so a reader can refuse
/// a file of another kind or version with a clear message instead of decoding it wrongly.
public protocol VersionedJSONFile: Codable {
    /// The `format` value this version writes and reads.
    static var formatName: String { get }
    /// What error messages call the file ("codebook", "partition plan").
    static var kind: String { get }
    var format: String { get }
}

/// SplatLift's JSON files and JSON output: pretty-printed with sorted keys and unescaped slashes
/// (equal values give equal bytes; paths stay readable), written atomically; versioned files read
/// back with one-line errors naming the file.
public enum JSONFiles {
    /// `value` as JSON. `nonFinite` writes infinities and NaN as the strings "inf", "-inf" and
    /// "nan" (metrics of an empty set); without it they are an encoding error.
    public static func encoded<T: Encodable>(_ value: T, pretty: Bool = true, nonFinite: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        if nonFinite {
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                          nan: "nan")
        }
        return try encoder.encode(value)
    }

    /// Writes `value` to `url` atomically (`AtomicFile`), creating its folder when missing;
    /// `what` names the value in the error when it cannot be encoded.
    public static func write<T: Encodable>(_ value: T, to url: URL, what: String, pretty: Bool = true,
                                           nonFinite: Bool = false) throws {
        let data: Data
        do { data = try encoded(value, pretty: pretty, nonFinite: nonFinite) } catch {
            throw SplatError("cannot encode \(what): \(error)", path: url.path)
        }
        try AtomicFile.write(data, to: url, creatingFolder: true)
    }

    /// Reads a versioned file; `hint` follows the error when the file cannot be read at all
    /// ("write one with `splatlift partition`").
    public static func read<T: VersionedJSONFile>(_ type: T.Type, from url: URL, hint: String? = nil) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SplatError("cannot read the \(T.kind) (\(error.localizedDescription))" + (hint.map { "; \($0)" } ?? ""),
                             path: url.path)
        }
        let value: T
        do { value = try JSONDecoder().decode(T.self, from: data) } catch {
            throw SplatError("not a valid \(T.kind) file (\(JSONErrorText.describe(error)))", path: url.path)
        }
        guard value.format == T.formatName else {
            throw SplatError("unknown \(T.kind) format \"\(value.format)\"", path: url.path)
        }
        return value
    }
}
