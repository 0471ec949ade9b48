import SplatMath

/// Stands in for the base address of an empty array (never dereferenced).
nonisolated(unsafe) private let emptyStorage = UnsafeMutablePointer<Float>.allocate(capacity: 1)

/// Base addresses of a `GaussianParams`' arrays, valid inside `withPointers`.
struct ParamPointers: @unchecked Sendable {
    var means, logScales, rotations, opacityLogits, sh, features: UnsafePointer<Float>
}

extension ParamPointers {
    init(_ a: GaussianArrays) {
        self.init(means: a.means, logScales: a.logScales, rotations: a.rotations, opacityLogits: a.opacityLogits,
                  sh: a.sh, features: a.features)
    }
}

/// Base addresses of a `GaussianGradients`' arrays, valid inside `withPointers`.
struct GradPointers: @unchecked Sendable {
    var means, logScales, rotations, opacityLogits, sh, features, screenMeanGradNorm: UnsafeMutablePointer<Float>
}

extension GradPointers {
    init(_ a: GaussianArrays, screenMeanGradNorm: UnsafeMutablePointer<Float>) {
        self.init(means: a.means, logScales: a.logScales, rotations: a.rotations, opacityLogits: a.opacityLogits,
                  sh: a.sh, features: a.features, screenMeanGradNorm: screenMeanGradNorm)
    }

    /// The same arrays from row `rows` on.
    func advanced(byRows rows: Int, featureCount: Int) -> GradPointers {
        GradPointers(means: means + 3 * rows, logScales: logScales + 3 * rows, rotations: rotations + 4 * rows,
                     opacityLogits: opacityLogits + rows, sh: sh + 48 * rows, features: features + featureCount * rows,
                     screenMeanGradNorm: screenMeanGradNorm + rows)
    }
}

@inline(__always) private func base(_ b: UnsafeBufferPointer<Float>) -> UnsafePointer<Float> {
    b.baseAddress ?? UnsafePointer(emptyStorage)
}

@inline(__always) private func base(_ b: UnsafeMutableBufferPointer<Float>) -> UnsafeMutablePointer<Float> {
    b.baseAddress ?? emptyStorage
}

func withPointers<R>(_ p: GaussianParams, _ body: (ParamPointers) -> R) -> R {
    p.means.withUnsafeBufferPointer { m in
    p.logScales.withUnsafeBufferPointer { s in
    p.rotations.withUnsafeBufferPointer { r in
    p.opacityLogits.withUnsafeBufferPointer { o in
    p.sh.withUnsafeBufferPointer { sh in
    p.features.withUnsafeBufferPointer { f in
        body(ParamPointers(means: base(m), logScales: base(s), rotations: base(r), opacityLogits: base(o),
                           sh: base(sh), features: base(f)))
    }}}}}}
}

func withPointers<R>(_ g: inout GaussianGradients, _ body: (GradPointers) -> R) -> R {
    g.means.withUnsafeMutableBufferPointer { m in
    g.logScales.withUnsafeMutableBufferPointer { s in
    g.rotations.withUnsafeMutableBufferPointer { r in
    g.opacityLogits.withUnsafeMutableBufferPointer { o in
    g.sh.withUnsafeMutableBufferPointer { sh in
    g.features.withUnsafeMutableBufferPointer { f in
    g.screenMeanGradNorm.withUnsafeMutableBufferPointer { n in
        body(GradPointers(means: base(m), logScales: base(s), rotations: base(r), opacityLogits: base(o),
                          sh: base(sh), features: base(f), screenMeanGradNorm: base(n)))
    }}}}}}}
}
