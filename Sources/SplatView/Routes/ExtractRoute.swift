import Hummingbird

/// `POST /api/extract` with `{"ids": [3, 5]}`: the objects' Gaussians as a 3DGS PLY download.
enum ExtractRoute {
    static func register(on router: Router<BasicRequestContext>, session: ViewSession) {
        router.post("/api/extract") { request, _ in
            let body = try await RequestDecoding.decode(ObjectIDsRequest.self, from: request)
            let name = "objects-" + body.ids.map(String.init).joined(separator: "-") + ".ply"
            return Response.bytes(try await session.extractPLY(ids: body.ids), contentType: "application/octet-stream",
                                  headers: [.contentDisposition: "attachment; filename=\"\(name)\""])
        }
    }
}
