import Foundation
import SplatMath

/// A growable raw buffer of `T` reused between renders: `ensure` reallocates only when a call
/// needs more than any earlier one, so steady-state renders do not allocate. Contents are not
/// preserved across growth.
final class ReusableBuffer<T>: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<T>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = .allocate(capacity: 1)
    }

    /// Makes room for `count` elements and returns the base pointer.
    @discardableResult
    func ensure(_ count: Int) -> UnsafeMutablePointer<T> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity + capacity / 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }

    deinit { pointer.deallocate() }
}

/// Scratch for one tile kernel: the tile's packed entries and a few row vectors.
final class TileScratch: @unchecked Sendable {
    let entries = ReusableBuffer<Float>()
    let vectors = ReusableBuffer<SIMD16<Float>>()
}

/// Gradients of one block of rows, in the layout of `GaussianGradients`.
final class GradientRows: @unchecked Sendable {
    private let values = ReusableBuffer<Float>()

    /// The arrays for `rows` rows and the `screenMeanGradNorm` row.
    func arrays(rows: Int, featureCount nf: Int) -> (GaussianArrays, UnsafeMutablePointer<Float>) {
        let base = values.ensure(rows * (3 + 3 + 4 + 1 + GaussianParams.shStride + nf + 1))
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
