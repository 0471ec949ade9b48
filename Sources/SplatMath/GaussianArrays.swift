/// Base addresses of the six arrays of a `GaussianParams`, or of anything in its layout (gradients,
/// Adam moments), for kernels that work on rows in place. Valid only inside the `withArrays` call
/// that made it.
public struct GaussianArrays: @unchecked Sendable {
    public var means, logScales, rotations, opacityLogits, sh, features: UnsafeMutablePointer<Float>

    public init(means: UnsafeMutablePointer<Float>, logScales: UnsafeMutablePointer<Float>,
                rotations: UnsafeMutablePointer<Float>, opacityLogits: UnsafeMutablePointer<Float>,
                sh: UnsafeMutablePointer<Float>, features: UnsafeMutablePointer<Float>) {
        self.means = means; self.logScales = logScales; self.rotations = rotations
        self.opacityLogits = opacityLogits; self.sh = sh; self.features = features
    }

    /// The same arrays from row `rows` on (`featureCount` values per row of `features`).
    public func advanced(byRows rows: Int, featureCount: Int) -> GaussianArrays {
        GaussianArrays(means: means + 3 * rows, logScales: logScales + 3 * rows, rotations: rotations + 4 * rows,
                       opacityLogits: opacityLogits + rows, sh: sh + GaussianParams.shStride * rows,
                       features: features + featureCount * rows)
    }
}

/// Stands in for the base address of an empty array (never dereferenced).
nonisolated(unsafe) private let emptyArray = UnsafeMutablePointer<Float>.allocate(capacity: 1)

/// The base address of `buffer`, or a stand-in when it is empty.
private func baseAddress(_ buffer: UnsafeMutableBufferPointer<Float>) -> UnsafeMutablePointer<Float> {
    buffer.baseAddress ?? emptyArray
}

extension GaussianParams {
    /// Calls `body` with mutable buffers of means, logScales, rotations, opacityLogits, sh and
    /// features, in that order (exclusive access to all six).
    public mutating func withMutableBuffers<R>(_ body: ([UnsafeMutableBufferPointer<Float>]) throws -> R) rethrows -> R {
        try means.withUnsafeMutableBufferPointer { means in
            try logScales.withUnsafeMutableBufferPointer { scales in
                try rotations.withUnsafeMutableBufferPointer { rotations in
                    try opacityLogits.withUnsafeMutableBufferPointer { opacities in
                        try sh.withUnsafeMutableBufferPointer { sh in
                            try features.withUnsafeMutableBufferPointer { features in
                                try body([means, scales, rotations, opacities, sh, features])
                            }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with the arrays' base addresses (exclusive access to all six).
    public mutating func withArrays<R>(_ body: (GaussianArrays) throws -> R) rethrows -> R {
        try withMutableBuffers { b in
            try body(GaussianArrays(means: baseAddress(b[0]), logScales: baseAddress(b[1]), rotations: baseAddress(b[2]),
                                    opacityLogits: baseAddress(b[3]), sh: baseAddress(b[4]), features: baseAddress(b[5])))
        }
    }
}
