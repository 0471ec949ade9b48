import Foundation
import Hummingbird

/// `GET /api/render?camera=N|NAME[&layer=color|ids][&sh=D]` (a scene camera) and `POST /api/render`
/// with `{"camera": {...}, "layer": ..., "sh": ...}` (any camera): the CPU rasterizer's PNG.
enum RenderRoute {
    static func register(on router: Router<BasicRequestContext>, session: ViewSession) {
        router.get("/api/render") { request, _ in
            let query = request.uri.queryParameters
            guard let name = query.get("camera") else { throw ViewError.badRequest("give ?camera=INDEX or an image name") }
            let layer = try query.get("layer").map(parseLayer) ?? .color
            let sh = try query.get("sh").map(parseSH)
            return png(try await session.renderPNG(try await session.camera(named: name), layer: layer, shDegree: sh))
        }
        router.post("/api/render") { request, _ in
            let body = try await RequestDecoding.decode(RenderRequest.self, from: request)
            return png(try await session.renderPNG(try body.camera.pinhole(), layer: body.layer ?? .color, shDegree: body.sh))
        }
    }

    private static func parseLayer(_ text: String) throws -> RenderLayer {
        guard let layer = RenderLayer(rawValue: text) else { throw ViewError.badRequest("layer must be color or ids, got '\(text)'") }
        return layer
    }

    private static func parseSH(_ text: String) throws -> Int {
        guard let degree = Int(text) else { throw ViewError.badRequest("sh must be an integer, got '\(text)'") }
        return degree
    }

    private static func png(_ data: Data) -> Response { Response.bytes(data, contentType: "image/png") }
}
