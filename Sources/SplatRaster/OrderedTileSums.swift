import Foundation

/// Adds every tile's per-entry gradients into one row of sums per Gaussian, in tile order
/// (row-major) whichever order the tiles finish in, so each Gaussian's sum is the same float sum
/// for any thread count. A tile that finishes before the tiles ahead of it waits as a copy; the
/// thread that finishes the next tile in line adds it and every waiting successor.
final class OrderedTileSums: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var waiting: [Int: [Float]] = [:]

    /// Starts a pass over the tiles from tile 0.
    func reset() {
        next = 0
        waiting = [:]
    }

    /// Hands over tile `tile`'s slots; `add(t, slots)` runs outside the lock, one tile at a time
    /// in tile order, for this tile and the waiting ones it unblocks (or later, by another thread).
    func finish(_ tile: Int, slots: UnsafeBufferPointer<Float>, add: (Int, UnsafeBufferPointer<Float>) -> Void) {
        lock.lock()
        guard tile == next else {
            waiting[tile] = Array(slots)
            lock.unlock()
            return
        }
        lock.unlock()
        add(tile, slots)
        lock.lock()
        next += 1
        while let slots = waiting.removeValue(forKey: next) {
            let t = next
            lock.unlock()
            slots.withUnsafeBufferPointer { add(t, $0) }
            lock.lock()
            next += 1
        }
        lock.unlock()
    }
}
