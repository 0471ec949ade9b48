import SplatMath

/// One posed view with its photo decoded once, at training resolution, as planar Float.
public struct TrainingView: Sendable {
    public var name: String
    public var camera: PinholeCamera
    /// 3·H·W RGB in [0, 1]; photos with alpha are stored composited over black (premultiplied),
    /// as `Scene.loadImage` returns them for a black background.
    public var image: [Float]
    /// H·W coverage when the photo had an alpha channel (NeRF-synthetic); the background is added
    /// for every use.
    public var alpha: [Float]?

    public init(name: String, camera: PinholeCamera, image: [Float], alpha: [Float]? = nil) {
        precondition(image.count == 3 * camera.width * camera.height, "image does not match its camera")
        self.name = name; self.camera = camera; self.image = image; self.alpha = alpha
    }

    /// The photo over `background` (3DGS `rgb·a + bg·(1−a)`, here `image + bg·(1−a)`), written into `target`.
    public func composite(over background: SIMD3<Float>, into target: inout [Float]) {
        let hw = camera.width * camera.height
        if target.count != 3 * hw { target = [Float](repeating: 0, count: 3 * hw) }
        guard let alpha else {
            target.withUnsafeMutableBufferPointer { t in image.withUnsafeBufferPointer { s in
                for i in 0..<(3 * hw) { t[i] = s[i] } } }
            return
        }
        target.withUnsafeMutableBufferPointer { t in
            image.withUnsafeBufferPointer { s in
                alpha.withUnsafeBufferPointer { a in
                    for c in 0..<3 {
                        let bg = background[c]
                        for i in 0..<hw { t[c * hw + i] = s[c * hw + i] + bg * (1 - a[i]) }
                    }
                }
            }
        }
    }

    /// The photo over `background` as a new image.
    public func composited(over background: SIMD3<Float>) -> [Float] {
        var out = [Float]()
        composite(over: background, into: &out)
        return out
    }
}
