import SplatMath
import SplatRaster

/// What one Adam step applies to each per-Gaussian array: the step size and bias correction of
/// every value of one row (or one setting for the whole row); nil for arrays it skips.
public struct AdamStep: Sendable {
    public struct Setting: Sendable, Equatable {
        var stepSize: Float
        var invSqrtBias2: Float
    }

    private var settings = [[Setting]?](repeating: nil, count: GaussianArray.allCases.count)

    subscript(array: GaussianArray) -> [Setting]? {
        get { settings[array.rawValue] }
        set { settings[array.rawValue] = newValue }
    }
}

/// The per-Gaussian arrays of the `GaussianParams` layout (shared by the gradients and moments).
enum GaussianArray: Int, CaseIterable {
    case means, logScales, rotations, opacityLogits, sh, features

    func stride(featureCount: Int) -> Int {
        switch self {
        case .means, .logScales: 3
        case .rotations: 4
        case .opacityLogits: 1
        case .sh: GaussianParams.shStride
        case .features: featureCount
        }
    }
}

extension GaussianArrays {
    subscript(array: GaussianArray) -> UnsafeMutablePointer<Float> {
        switch array {
        case .means: means
        case .logScales: logScales
        case .rotations: rotations
        case .opacityLogits: opacityLogits
        case .sh: sh
        case .features: features
        }
    }
}

/// Stands in for the base address of an empty array (never dereferenced).
nonisolated(unsafe) private let emptyArray = UnsafeMutablePointer<Float>.allocate(capacity: 1)

extension GaussianGradients {
    /// The arrays' base addresses; the kernel only reads through them.
    func withArrays<R>(_ body: (GaussianArrays) -> R) -> R {
        func base(_ b: UnsafeBufferPointer<Float>) -> UnsafeMutablePointer<Float> {
            b.baseAddress.map(UnsafeMutablePointer.init(mutating:)) ?? emptyArray
        }
        return means.withUnsafeBufferPointer { m in
            logScales.withUnsafeBufferPointer { s in
                rotations.withUnsafeBufferPointer { r in
                    opacityLogits.withUnsafeBufferPointer { o in
                        sh.withUnsafeBufferPointer { sh in
                            features.withUnsafeBufferPointer { f in
                                body(GaussianArrays(means: base(m), logScales: base(s), rotations: base(r),
                                                    opacityLogits: base(o), sh: base(sh), features: base(f)))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The element-wise Adam update (PyTorch's formulation) of a range of Gaussians, every array of a
/// block of rows in one go. The finiteness check keeps the largest exponent field seen (integer
/// max vectorises; float flags would not).
struct AdamKernel: Sendable {
    /// One array's settings as runs of equal values within a row (SH: DC, then the rest).
    struct Runs: Sendable {
        var array: GaussianArray
        var stride: Int
        var runs: [(range: Range<Int>, stepSize: Float, scale: Float)]
    }

    let arrays: [Runs]
    let featureCount: Int
    let beta1: Float, beta2: Float, epsilon: Float
    static let rowsPerBlock = 1024

    init(step: AdamStep, featureCount: Int, beta1: Float, beta2: Float, epsilon: Float) {
        self.featureCount = featureCount
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        arrays = GaussianArray.allCases.compactMap { array in
            let stride = array.stride(featureCount: featureCount)
            guard let pattern = step[array], stride > 0 else { return nil }
            precondition(stride % pattern.count == 0, "an Adam setting pattern must divide the row")
            var runs = [(range: Range<Int>, stepSize: Float, scale: Float)]()
            for k in 0..<pattern.count {
                if let last = runs.last, last.stepSize == pattern[k].stepSize, last.scale == pattern[k].invSqrtBias2 {
                    runs[runs.count - 1].range = last.range.lowerBound..<(k + 1)
                } else {
                    runs.append((k..<(k + 1), pattern[k].stepSize, pattern[k].invSqrtBias2))
                }
            }
            // One run over a shorter pattern covers the whole row.
            if runs.count == 1 { runs[0].range = 0..<stride }
            return Runs(array: array, stride: stride, runs: runs)
        }
    }

    /// Updates Gaussians `rows` of `p` with moments `m`, `v` and gradients `g` (row 0 = rows.lowerBound),
    /// parallel over blocks of rows. False if any updated parameter is NaN or ±∞.
    func run(_ p: GaussianArrays, _ m: GaussianArrays, _ v: GaussianArrays, _ g: GaussianArrays,
             rows: Range<Int>, threads: Int) -> Bool {
        let blocks = (rows.count + Self.rowsPerBlock - 1) / Self.rowsPerBlock
        var blockFinite = [Bool](repeating: true, count: blocks)
        blockFinite.withUnsafeMutableBufferPointer { flags in
            let out = SendablePointer(flags.baseAddress!)
            parallelChunks(blocks, threads: threads) { block in
                let r0 = block * Self.rowsPerBlock, r1 = min(rows.count, r0 + Self.rowsPerBlock)
                out.base[block] = update(p, m, v, g.advanced(byRows: r0, featureCount: featureCount),
                                            rows: (rows.lowerBound + r0)..<(rows.lowerBound + r1))
            }
        }
        return !blockFinite.contains(false)
    }

    /// Updates Gaussians `rows` on the calling thread, with `g` holding their gradients from row 0.
    /// False if any updated parameter is NaN or ±∞.
    func update(_ p: GaussianArrays, _ m: GaussianArrays, _ v: GaussianArrays, _ g: GaussianArrays,
                rows: Range<Int>) -> Bool {
        var maxExponent: UInt32 = 0
        for array in arrays {
            let s = array.stride, first = rows.lowerBound * s
            let pa = p[array.array] + first, ma = m[array.array] + first, va = v[array.array] + first
            let ga = g[array.array]
            if array.runs.count == 1 {
                let run = array.runs[0]
                update(pa, ma, va, ga, range: 0..<(rows.count * s), stepSize: run.stepSize, scale: run.scale,
                       maxExponent: &maxExponent)
            } else {
                for row in 0..<rows.count {
                    for run in array.runs {
                        update(pa, ma, va, ga, range: (row * s + run.range.lowerBound)..<(row * s + run.range.upperBound),
                               stepSize: run.stepSize, scale: run.scale, maxExponent: &maxExponent)
                    }
                }
            }
        }
        return maxExponent != 0x7F80_0000
    }

    @inline(__always)
    private func update(_ p: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                        _ v: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, range: Range<Int>,
                        stepSize: Float, scale: Float, maxExponent: inout UInt32) {
        let beta1 = self.beta1, beta2 = self.beta2, epsilon = self.epsilon
        var worst = maxExponent
        for i in range {
            let grad = g[i]
            let mi = beta1 * m[i] + (1 - beta1) * grad
            let vi = beta2 * v[i] + (1 - beta2) * grad * grad
            m[i] = mi
            v[i] = vi
            let updated = p[i] - stepSize * mi / (vi.squareRoot() * scale + epsilon)
            p[i] = updated
            worst = max(worst, updated.bitPattern & 0x7F80_0000)
        }
        maxExponent = worst
    }
}
