import Foundation
import Hummingbird
import SplatMath

/// Turns every error a route throws into a one-line JSON error: `ViewError`s keep their status,
/// Hummingbird's own (unknown route, body too large) keep theirs, a library `SplatError` is a 500
/// naming the problem. The server goes on serving either way.
struct OneLineErrors<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ViewError {
            return Response.json(["error": error.message], status: error.status)
        } catch let error as HTTPError {
            return Response.json(["error": error.body ?? error.status.reasonPhrase], status: error.status)
        } catch {
            return Response.json(["error": "\(error)".replacingOccurrences(of: "\n", with: " ")], status: .internalServerError)
        }
    }
}
