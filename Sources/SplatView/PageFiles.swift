import Foundation
import Hummingbird

/// The page's files (Resources/: index.html, the ES modules, the style sheet), read once at start.
struct PageFiles: Sendable {
    private let files: [String: Data]

    init() throws {
        guard let folder = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw ViewError(.internalServerError, "the viewer's page files are missing from the build")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        files = try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) })
    }

    func response(for name: String) throws -> Response {
        guard let data = files[name] else { throw ViewError.notFound("no page file '\(name)'") }
        return Response.bytes(data, contentType: Self.contentType(of: name))
    }

    private static func contentType(of name: String) -> String {
        switch URL(fileURLWithPath: name).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
