import Hummingbird

/// `POST /api/remove` with `{"ids": [3], "out": "NAME"}`: writes the model without those objects
/// as a new model folder beside the opened one (never over it) and answers its path.
enum RemoveRoute {
    static func register(on router: Router<BasicRequestContext>, session: ViewSession) {
        router.post("/api/remove") { request, _ in
            let body = try await RequestDecoding.decode(ObjectIDsRequest.self, from: request)
            return Response.json(try await session.remove(ids: body.ids, name: body.out))
        }
    }
}
