import Foundation
import SplatMath

/// Reading the JSON files mask tools write, with one-line errors naming the file.
enum MaskJSON {
    /// The parsed top-level value of a JSON file.
    static func read(_ url: URL) throws -> Any {
        let data = try FileAccess.read(url)
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw SplatError("is not valid JSON (\(detail))", path: url.path)
        }
    }

    /// A JSON number that is a whole number, else nil.
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        return Int(exactly: number.doubleValue)
    }

    /// A list of whole numbers, else nil.
    static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var out: [Int] = []
        out.reserveCapacity(list.count)
        for item in list {
            guard let n = integer(item) else { return nil }
            out.append(n)
        }
        return out
    }
}
