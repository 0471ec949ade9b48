/// A colour image as planar floats, the layout the renderer produces (`RenderOutput.color`).
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Planar 3·H·W values in [0, 1]: channel c, row y, column x at `c*H*W + y*W + x`.
    public var pixels: [Float]
    /// H·W opacities in [0, 1] when the source had an alpha channel (or a tRNS chunk).
    public var alpha: [Float]?

    public init(width: Int, height: Int, pixels: [Float], alpha: [Float]? = nil) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.alpha = alpha
    }
}

/// An integer label per pixel (instance or mask ids; 0 usually means "no label").
public struct LabelMap: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// H·W ids, row-major: row y, column x at `y*W + x`.
    public var labels: [Int32]

    public init(width: Int, height: Int, labels: [Int32]) {
        self.width = width
        self.height = height
        self.labels = labels
    }
}
