import Hummingbird

/// `GET /api/objects`: id, name, Gaussians, area, colour and parent of every object (`ObjectList`).
enum ObjectsRoute {
    static func register(on router: Router<BasicRequestContext>, session: ViewSession) {
        router.get("/api/objects") { _, _ in Response.json(session.objects) }
    }
}
