import Foundation
import SplatMath

extension Scene {
    /// The view's photo as the camera `camera(view, downscale:)` sees it: read, checked against
    /// the camera's size, undistorted (bilinear) when the source camera has lens distortion,
    /// composited over `background` when it has alpha (the alpha is kept), then area-downscaled.
    public func loadImage(_ view: Int, downscale: Int = 1) throws -> RGBImage {
        let v = views[view]
        var image = try ImageIO.readImage(v.imageURL)
        try checkSize(image.width, image.height, v.imageURL, against: v.camera, what: "its camera")
        if let map = v.undistortion {
            image.pixels = map.resampleBilinear(image.pixels, channels: 3)
            image.alpha = image.alpha.map { map.resampleBilinear($0, channels: 1) }
        }
        return image.composited(over: background).downscaled(by: max(1, downscale))
    }

    /// The view's 2D instance label map (nil when the scene has no masks), undistorted by nearest
    /// pixel and downscaled by taking each block's centre label.
    public func loadMask(_ view: Int, downscale: Int = 1) throws -> LabelMap? {
        try loadLabels(views[view].maskURL, view: view, downscale: downscale)
    }

    /// The view's ground-truth instance map (nil when there is none), prepared like `loadMask`.
    public func loadGroundTruth(_ view: Int, downscale: Int = 1) throws -> LabelMap? {
        try loadLabels(views[view].gtURL, view: view, downscale: downscale)
    }

    private func loadLabels(_ url: URL?, view: Int, downscale: Int) throws -> LabelMap? {
        guard let url else { return nil }
        let v = views[view]
        var map = try ImageIO.readLabelMap(url)
        try checkSize(map.width, map.height, url, against: v.camera, what: "the image")
        if let u = v.undistortion { map.labels = u.resampleNearest(map.labels) }
        return map.downscaled(by: max(1, downscale))
    }

    private func checkSize(_ w: Int, _ h: Int, _ url: URL, against camera: PinholeCamera, what: String) throws {
        guard w == camera.width && h == camera.height else {
            throw SplatError("is \(w)x\(h) but \(what) is \(camera.width)x\(camera.height)", path: url.path)
        }
    }
}
