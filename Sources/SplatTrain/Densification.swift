import Foundation
import SplatMath

/// The per-Gaussian accumulators 3DGS keeps between densification steps.
public struct DensificationStats: Sendable, Equatable {
    /// Σ over visible iterations of the screen-space (NDC) mean-gradient norm.
    public var gradientAccum: [Float]
    /// Number of iterations in which the Gaussian was visible.
    public var visibleCount: [Float]
    /// Largest screen radius (px) seen since the last densification.
    public var maxRadii: [Float]

    public init(count: Int) {
        gradientAccum = [Float](repeating: 0, count: count)
        visibleCount = gradientAccum
        maxRadii = gradientAccum
    }

    public var count: Int { gradientAccum.count }

    /// All zero for `count` Gaussians, reusing the arrays' storage.
    public mutating func reset(count: Int) {
        for keyPath in [\Self.gradientAccum, \.visibleCount, \.maxRadii] {
            self[keyPath: keyPath].removeAll(keepingCapacity: true)
            self[keyPath: keyPath].append(contentsOf: repeatElement(0, count: count))
        }
    }

    /// Base addresses of the arrays, for adding statistics from parallel blocks of rows.
    struct Arrays: @unchecked Sendable {
        let gradientAccum, visibleCount, maxRadii: UnsafeMutablePointer<Float>

        /// Adds one view's statistics of Gaussians `rows` with radius > 0 (3DGS
        /// `add_densification_stats`): `radii` of all Gaussians, `screenGradNorm` of those rows from 0.
        func accumulate(rows: Range<Int>, radii: UnsafePointer<Float>, screenGradNorm: UnsafePointer<Float>) {
            for i in rows where radii[i] > 0 {
                maxRadii[i] = max(maxRadii[i], radii[i])
                gradientAccum[i] += screenGradNorm[i - rows.lowerBound]
                visibleCount[i] += 1
            }
        }
    }

    /// Calls `body` with the arrays' base addresses (for a non-empty set).
    mutating func withArrays<R>(_ body: (Arrays) -> R) -> R {
        gradientAccum.withUnsafeMutableBufferPointer { g in
            visibleCount.withUnsafeMutableBufferPointer { c in
                maxRadii.withUnsafeMutableBufferPointer { r in
                    body(Arrays(gradientAccum: g.baseAddress!, visibleCount: c.baseAddress!, maxRadii: r.baseAddress!))
                }
            }
        }
    }
}

/// What one densify-and-prune pass did.
public struct DensifyReport: Sendable, Equatable {
    public var cloned = 0
    public var split = 0
    public var pruned = 0
    public var before = 0
    public var after = 0
}

/// 3DGS adaptive density control (METHOD.md §5): clone small Gaussians with a large mean screen
/// gradient, split large ones, prune transparent / oversized ones, reset opacities. Parameters,
/// both Adam moments and the statistics are edited in place with the same `RowEdit`, so they stay
/// aligned; new Gaussians start with zero moments (as `cat_tensors_to_optimizer`).
public enum Densifier {
    /// Densify then prune, with the result of the official order: clones are appended, then split
    /// children, then split parents are removed, then the prune mask is applied. Statistics are
    /// reset afterwards. `pruneLarge` enables the world-size prune (and the screen-size prune when
    /// `maxScreenSize` is set); 3DGS enables both once past the first opacity reset.
    @discardableResult
    public static func densifyAndPrune(_ params: inout GaussianParams, adam: inout AdamState,
                                       stats: inout DensificationStats, config: TrainConfig,
                                       sceneExtent: Double, pruneLarge: Bool,
                                       rng: inout SplatRandom) -> DensifyReport {
        let n = params.count
        precondition(stats.count == n && adam.firstMoment.count == n)
        let threshold = Float(config.densifyGradThreshold)
        let denseLimit = Float(config.percentDense * sceneExtent)
        var cloneRows = [Int](), splitRows = [Int]()
        var isSplitParent = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let count = stats.visibleCount[i]
            let meanGrad = count > 0 ? stats.gradientAccum[i] / count : 0
            guard meanGrad.isFinite, meanGrad >= threshold else { continue }
            if params.maxScale(i) <= denseLimit {
                cloneRows.append(i)
            } else {
                splitRows.append(i)
                isSplitParent[i] = true
            }
        }
        let children = splitChildren(of: splitRows, params, splitCount: config.splitCount, rng: &rng)

        // Prune mask, as on the edited set (survivors, clones, children); new rows skip the screen-size test.
        let minOpacity = Float(config.minOpacity)
        let worldLimit = Float(config.maxWorldScaleFraction * sceneExtent)
        let screenLimit = config.maxScreenSize.map(Float.init)
        func pruned(logit: Float, maxScale: Float, maxRadius: Float?) -> Bool {
            let opacity = 1 / (1 + exp(-logit))
            var prune = opacity < minOpacity
            if pruneLarge {
                if maxScale > worldLimit { prune = true }
                if let screenLimit, let maxRadius, maxRadius > screenLimit { prune = true }
            }
            return prune
        }
        var keep = [Bool](repeating: false, count: n)
        for i in 0..<n where !isSplitParent[i] {
            keep[i] = !pruned(logit: params.opacityLogits[i], maxScale: params.maxScale(i), maxRadius: stats.maxRadii[i])
        }
        var appended = cloneRows.filter { !pruned(logit: params.opacityLogits[$0], maxScale: params.maxScale($0), maxRadius: nil) }
        var keptChildren = [Int]()
        for c in 0..<children.count {
            let parent = children.parent(c)
            if !pruned(logit: params.opacityLogits[parent], maxScale: children.maxScale(c), maxRadius: nil) {
                keptChildren.append(c)
                appended.append(parent)
            }
        }

        let edit = RowEdit(keep: keep, appended: appended)
        params.applyRowEdit(edit)
        let firstChildRow = params.count - keptChildren.count
        for (k, c) in keptChildren.enumerated() {
            let row = firstChildRow + k
            for a in 0..<3 {
                params.means[3 * row + a] = children.means[3 * c + a]
                params.logScales[3 * row + a] = children.logScales[3 * c + a]
            }
        }
        adam.firstMoment.applyRowEdit(edit, zeroAppended: true)
        adam.secondMoment.applyRowEdit(edit, zeroAppended: true)
        stats.reset(count: params.count)
        let editedRows = n - splitRows.count + cloneRows.count + children.count
        return DensifyReport(cloned: cloneRows.count, split: splitRows.count,
                             pruned: editedRows - params.count, before: n, after: params.count)
    }

    /// The children of split Gaussians `rows`, `splitCount` blocks of one child per row (the
    /// official order): mean + R·N(0, scale), log-scale − ln(0.8·splitCount).
    static func splitChildren(of rows: [Int], _ params: GaussianParams, splitCount: Int,
                              rng: inout SplatRandom) -> SplitChildren {
        var children = SplitChildren(parents: rows)
        let shrink = Float(log(0.8 * Double(splitCount)))
        for _ in 0..<splitCount {
            for parent in rows {
                let q = Quat(w: Double(params.rotations[4 * parent]), x: Double(params.rotations[4 * parent + 1]),
                             y: Double(params.rotations[4 * parent + 2]), z: Double(params.rotations[4 * parent + 3]))
                var local = Vec3.zero
                for a in 0..<3 { local[a] = rng.normal() * Double(exp(params.logScales[3 * parent + a])) }
                let offset = q.rotationMatrix * local
                for a in 0..<3 {
                    children.means.append(params.means[3 * parent + a] + Float(offset[a]))
                    children.logScales.append(params.logScales[3 * parent + a] - shrink)
                }
            }
        }
        return children
    }

    /// Means and log-scales of split children; child c belongs to parent row `parents[c % parents.count]`.
    struct SplitChildren {
        var parents: [Int]
        var means: [Float] = [], logScales: [Float] = []

        var count: Int { means.count / 3 }
        func parent(_ c: Int) -> Int { parents[c % parents.count] }
        func maxScale(_ c: Int) -> Float {
            GaussianParams.maxScale(logScales[3 * c], logScales[3 * c + 1], logScales[3 * c + 2])
        }
    }

    /// Opacity ← min(opacity, value), with the opacity moments zeroed (3DGS `reset_opacity`).
    public static func resetOpacity(_ params: inout GaussianParams, adam: inout AdamState, value: Double) {
        let cap = Float(value)
        let capLogit = log(cap / (1 - cap))
        for i in 0..<params.count {
            let opacity = 1 / (1 + exp(-params.opacityLogits[i]))
            if opacity > cap { params.opacityLogits[i] = capLogit }
        }
        adam.resetOpacityMoments()
    }
}
