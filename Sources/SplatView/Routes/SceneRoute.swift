import Hummingbird

/// `GET /api/scene`: name, Gaussian count, SH degree, background and the cameras (`SceneDescription`).
enum SceneRoute {
    static func register(on router: Router<BasicRequestContext>, session: ViewSession) {
        router.get("/api/scene") { _, _ in Response.json(session.scene) }
    }
}
