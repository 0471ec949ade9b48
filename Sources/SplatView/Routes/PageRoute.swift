import Foundation
import Hummingbird

/// `GET /` and `GET /app/FILE`: the page (index.html and its ES modules) from the package's resources.
enum PageRoute {
    static func register(on router: Router<BasicRequestContext>, files: PageFiles) {
        router.get("/") { _, _ in try files.response(for: "index.html") }
        router.get("/app/**") { _, context in
            let parts = context.parameters.getCatchAll()
            if parts.contains(where: { $0.contains("..") }) {
                throw ViewError.badRequest("a path with '..' is not served")
            }
            return try files.response(for: parts.joined(separator: "/"))
        }
    }
}
