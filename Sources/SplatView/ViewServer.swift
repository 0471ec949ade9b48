import Foundation
import Hummingbird

/// `splatlift view`: serves the page and the API for one model until Ctrl-C (SIGINT) or SIGTERM,
/// which end it gracefully.
public enum ViewServer {
    /// Loads `model` (a model folder or a 3DGS PLY) and serves it on `host`:`port` (0: a free port);
    /// `ready` gets the page's URL once the socket listens.
    public static func run(model: URL, host: String, port: Int, ready: @escaping @Sendable (String) -> Void) async throws {
        let session = try ViewSession(opening: model)
        let router = Router()
        router.add(middleware: OneLineErrors())
        PageRoute.register(on: router, files: try PageFiles())
        SceneRoute.register(on: router, session: session)
        GaussiansRoute.register(on: router, session: session)
        ObjectsRoute.register(on: router, session: session)
        RenderRoute.register(on: router, session: session)
        ExtractRoute.register(on: router, session: session)
        RemoveRoute.register(on: router, session: session)
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "splatlift"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  let shown = host.contains(":") ? "[\(host)]" : host
                                  ready("http://\(shown):\(bound)/")
                              })
        try await app.runService()
    }
}
