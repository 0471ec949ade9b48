import Foundation
import SplatIO
import SplatMath

extension TrainingView {
    /// Decodes the photos of `indices` once at 1/`downscale` resolution, in parallel (order kept).
    /// Load the scene with a black background: photos with alpha are then premultiplied, as
    /// `TrainingView.image` expects.
    public static func load(from scene: Scene, indices: [Int], downscale: Int, threads: Int = 0) throws -> [TrainingView] {
        var results = [Result<TrainingView, Error>?](repeating: nil, count: indices.count)
        let lock = NSLock()
        let load: @Sendable (Int) -> Result<TrainingView, Error> = { k in
            Result {
                let view = scene.views[indices[k]]
                let camera = scene.camera(indices[k], downscale: downscale)
                let image = try scene.loadImage(indices[k], downscale: downscale)
                guard image.width == camera.width, image.height == camera.height else {
                    throw SplatError("image is \(image.width)x\(image.height) but its camera is \(camera.width)x\(camera.height)",
                                     path: view.name)
                }
                return TrainingView(name: view.name, camera: camera, image: image.pixels, alpha: image.alpha)
            }
        }
        let box = ResultBox(results: results)
        parallelChunks(indices.count, threads: threads) { k in
            let r = load(k)
            lock.lock(); box.results[k] = r; lock.unlock()
        }
        results = box.results
        return try results.map { try $0!.get() }
    }
}

private final class ResultBox: @unchecked Sendable {
    var results: [Result<TrainingView, Error>?]
    init(results: [Result<TrainingView, Error>?]) { self.results = results }
}
