import Foundation

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

/// Per-worker scratch memory for the tile kernels, handed out under a lock (one take/give per
/// tile), so `concurrentPerform` over tiles needs no thread identity. Which worker gets which
/// scratch never affects results: it is overwritten before use.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [TileScratch] = []

    func take() -> TileScratch {
        lock.lock()
        let scratch = idle.popLast() ?? TileScratch()
        lock.unlock()
        return scratch
    }

    func give(_ scratch: TileScratch) {
        lock.lock()
        idle.append(scratch)
        lock.unlock()
    }
}
