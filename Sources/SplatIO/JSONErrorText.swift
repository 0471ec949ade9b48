import Foundation

/// A short, one-line account of why a JSON file could not be decoded: the key path and what was
/// wrong there ("objects[2].entries is not a list of Int"), instead of Swift's dump of the
/// `DecodingError` with its coding path and underlying `NSError`.
public enum JSONErrorText {
    public static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "not valid JSON" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"" + location(context.codingPath, prefix: " in ")
        case .typeMismatch(let type, let context):
            return "\(location(context.codingPath, prefix: "")) is not \(article(type))"
        case .valueNotFound(let type, let context):
            return "\(location(context.codingPath, prefix: "")) is null, expected \(article(type))"
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return "not valid JSON" }
            return "\(location(context.codingPath, prefix: "")): \(context.debugDescription)"
        @unknown default:
            return "not valid JSON"
        }
    }

    /// `objects[2].entries`, or "the top level" for an empty path.
    private static func location(_ path: [CodingKey], prefix: String) -> String {
        guard !path.isEmpty else { return prefix.isEmpty ? "the top level" : "" }
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") { text += "[\(index)]" }
            else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return prefix + text
    }

    private static func article(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type, is UInt32.Type: "an integer"
        case is Float.Type, is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "a \(String(describing: type).replacingOccurrences(of: "Swift.", with: ""))"
        }
    }
}
