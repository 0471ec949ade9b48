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

    /// Adds one view's statistics for the Gaussians with radius > 0 (3DGS `add_densification_stats`).
    public mutating func accumulate(radii: [Float], screenGradNorm: [Float]) {
        precondition(radii.count == count && screenGradNorm.count == count, "densification stats out of step")
        for i in 0..<count where radii[i] > 0 {
            maxRadii[i] = max(maxRadii[i], radii[i])
            gradientAccum[i] += screenGradNorm[i]
            visibleCount[i] += 1
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
/// both Adam moments and the statistics are edited with the same row map, so they stay aligned;
/// new Gaussians start with zero moments (as `cat_tensors_to_optimizer`).
public enum Densifier {
    /// Densify then prune, in the official order: clones are appended, then split children, then
    /// split parents are removed, then the prune mask is applied. Statistics are reset afterwards.
    /// `pruneLarge` enables the world-size prune (and the screen-size prune when `maxScreenSize`
    /// is set); 3DGS enables both once past the first opacity reset.
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

        // Row map after clone and split: survivors, clones, then splitCount blocks of children.
        var rows = [Int](), isNew = [Bool]()
        rows.reserveCapacity(n + cloneRows.count + config.splitCount * splitRows.count)
        for i in 0..<n where !isSplitParent[i] { rows.append(i); isNew.append(false) }
        for i in cloneRows { rows.append(i); isNew.append(true) }
        let firstChild = rows.count
        for _ in 0..<config.splitCount { for i in splitRows { rows.append(i); isNew.append(true) } }

        var edited = params.gatheringRows(rows)
        // Children: mean + R·(N(0, scale)), scale / (0.8·splitCount).
        let shrink = Float(log(0.8 * Double(config.splitCount)))
        for r in firstChild..<rows.count {
            let parent = rows[r]
            let q = Quat(w: Double(params.rotations[4 * parent]), x: Double(params.rotations[4 * parent + 1]),
                         y: Double(params.rotations[4 * parent + 2]), z: Double(params.rotations[4 * parent + 3]))
            var local = Vec3.zero
            for a in 0..<3 { local[a] = rng.normal() * Double(exp(params.logScales[3 * parent + a])) }
            let offset = q.rotationMatrix * local
            for a in 0..<3 {
                edited.means[3 * r + a] = params.means[3 * parent + a] + Float(offset[a])
                edited.logScales[3 * r + a] = params.logScales[3 * parent + a] - shrink
            }
        }

        // Prune mask on the edited set.
        let minOpacity = Float(config.minOpacity)
        let worldLimit = Float(config.maxWorldScaleFraction * sceneExtent)
        let screenLimit = config.maxScreenSize.map(Float.init)
        var keep = [Int](), keepNew = [Bool]()
        keep.reserveCapacity(rows.count)
        for r in 0..<rows.count {
            let opacity = 1 / (1 + exp(-edited.opacityLogits[r]))
            var prune = opacity < minOpacity
            if pruneLarge {
                if edited.maxScale(r) > worldLimit { prune = true }
                if let screenLimit, !isNew[r], stats.maxRadii[rows[r]] > screenLimit { prune = true }
            }
            if !prune { keep.append(r); keepNew.append(isNew[r]) }
        }

        params = edited.gatheringRows(keep)
        let sourceRows = keep.map { rows[$0] }
        adam.firstMoment = adam.firstMoment.gatheringRows(sourceRows, zeroed: keepNew)
        adam.secondMoment = adam.secondMoment.gatheringRows(sourceRows, zeroed: keepNew)
        stats = DensificationStats(count: params.count)
        return DensifyReport(cloned: cloneRows.count, split: splitRows.count,
                             pruned: rows.count - keep.count, before: n, after: params.count)
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
