import Hummingbird

/// `GET /api/gaussians`: the binary Gaussian buffer (`GaussianBuffer`, docs/VIEWER.md).
enum GaussiansRoute {
    static func register(on router: Router<BasicRequestContext>, session: ViewSession) {
        router.get("/api/gaussians") { _, _ in
            Response.bytes(session.gaussianBuffer, contentType: "application/octet-stream")
        }
    }
}
