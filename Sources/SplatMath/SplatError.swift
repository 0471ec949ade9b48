/// The one error type users see: names the file (when there is one) and what is wrong, in one line.
public struct SplatError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String?
    public var message: String

    public init(_ message: String, path: String? = nil) {
        self.message = message
        self.path = path
    }

    public var description: String {
        let text = message.replacingNewlines()
        guard let path else { return text }
        return "\(path): \(text)"
    }
}

extension String {
    /// Folds an error text into one line.
    func replacingNewlines() -> String {
        split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
