import Foundation
import SplatMath

/// Scratch for one tile kernel: the tile's packed entries and a few row vectors.
final class TileScratch: @unchecked Sendable {
    let entries = ScratchBuffer<Float>(fill: 0)
    /// Forward: the blending weights of a segment's contributing entries.
    let weights = ScratchBuffer<SIMD8<Float>>(fill: .zero)
    /// The tile's per-segment entry lists (`buildSegmentLists`) and their lengths.
    let lists = ScratchBuffer<Int32>(fill: 0)
    let rowCount = ScratchBuffer<Int32>(fill: 0)
    /// The forward's compacted lists of the tiles this scratch rendered, for the backward.
    let keptLists = SegmentListArena()
    /// Backward: per-entry channel and geometry-moment accumulators, the segment's pixel-major
    /// upstream and a lane buffer. Forward: a block's channel sums.
    let channelSums = ScratchBuffer<SIMD8<Float>>(fill: .zero)
}

/// Gradients of one block of rows, in the layout of `GaussianGradients`.
final class GradientRows: @unchecked Sendable {
    private let values = ScratchBuffer<Float>(fill: 0)

    /// The arrays for `rows` rows and the `screenMeanGradNorm` row.
    func arrays(rows: Int, featureCount nf: Int) -> (GaussianArrays, UnsafeMutablePointer<Float>) {
        let base = values.reserve(rows * (3 + 3 + 4 + 1 + GaussianParams.shStride + nf + 1))
        let sh = base + 11 * rows, features = sh + GaussianParams.shStride * rows
        return (GaussianArrays(means: base, logScales: base + 3 * rows, rotations: base + 6 * rows,
                               opacityLogits: base + 10 * rows, sh: sh, features: features),
                features + nf * rows)
    }
}

/// Per-worker scratch memory (tile kernels, gradient blocks), handed out under a lock (one
/// take/give per work item), so `concurrentPerform` needs no thread identity. Which worker gets
/// which scratch never affects results: it is overwritten before use.
final class ScratchPool<Scratch: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Scratch] = []
    private let make: () -> Scratch

    init(_ make: @escaping () -> Scratch) { self.make = make }

    func take() -> Scratch {
        lock.lock()
        let scratch = idle.popLast() ?? make()
        lock.unlock()
        return scratch
    }

    func give(_ scratch: Scratch) {
        lock.lock()
        idle.append(scratch)
        lock.unlock()
    }
}
