import SplatMath

/// A one-line user-facing error (printed by ArgumentParser as "Error: …", exit code 1).
struct ValidationErrorLine: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body, turning `SplatError` into a one-line error.
func oneLineErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let error as SplatError { throw ValidationErrorLine(error.description) }
}
