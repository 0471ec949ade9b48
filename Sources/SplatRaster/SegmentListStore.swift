import Foundation

/// Every tile's segment lists (`buildSegmentLists`) as the forward made them, kept for the
/// backward of the same render so it does not build them again. A tile's lists are compacted into
/// the arena of the worker scratch that ran its forward (no allocation per tile once the arenas
/// have grown); `reset` at the start of a render makes the arenas reusable.
final class SegmentListStore: @unchecked Sendable {
    private var arena = UnsafeMutablePointer<Unmanaged<SegmentListArena>?>.allocate(capacity: 0)
    private var offset = UnsafeMutablePointer<Int>.allocate(capacity: 0)
    private var capacity = 0
    /// Arenas filled under an older generation are empty for this render.
    private var generation = 0

    deinit {
        arena.deallocate()
        offset.deallocate()
    }

    /// Forgets the previous render's lists and makes room for `tileCount` tiles.
    func reset(tileCount: Int) {
        if tileCount > capacity {
            arena.deallocate(); offset.deallocate()
            arena = .allocate(capacity: tileCount); offset = .allocate(capacity: tileCount)
            capacity = tileCount
        }
        arena.initialize(repeating: nil, count: tileCount)
        generation += 1
    }

    /// The kept lists of `tile` (nil before its forward ran).
    func lists(of tile: Int) -> SegmentLists? {
        arena[tile].map { SegmentLists(storage: UnsafePointer($0.takeUnretainedValue().storage + offset[tile])) }
    }

    /// Keeps tile `tile`'s lists, given as `buildSegmentLists` wrote them (segment q at
    /// `lists[q·n ...]`, `segmentCount[q]` entries), in `into` (the running tile's scratch arena)
    /// and returns the compacted copy, valid while this tile's forward holds that scratch.
    func keep(tile: Int, n: Int, lists: UnsafePointer<Int32>, segmentCount: UnsafePointer<Int32>,
              into target: SegmentListArena) -> SegmentLists {
        if target.generation != generation { target.used = 0; target.generation = generation }
        let segments = SegmentLists.segments
        var total = segments + 1
        for q in 0..<segments { total += Int(segmentCount[q]) }
        let start = target.grow(by: total)
        let storage = target.storage + start
        var position = segments + 1
        for q in 0..<segments {
            storage[q] = Int32(position)
            let count = Int(segmentCount[q])
            (storage + position).update(from: lists + q * n, count: count)
            position += count
        }
        storage[segments] = Int32(position)
        arena[tile] = Unmanaged.passUnretained(target)
        offset[tile] = start
        return SegmentLists(storage: UnsafePointer(storage))
    }
}

/// A worker's storage for the segment lists of the tiles it rendered (`SegmentListStore`).
final class SegmentListArena: @unchecked Sendable {
    private(set) var storage = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var capacity = 0
    var used = 0
    var generation = 0

    deinit { storage.deallocate() }

    /// Appends `count` uninitialised elements and returns their offset (moves `storage` when it grows).
    func grow(by count: Int) -> Int {
        if used + count > capacity {
            let larger = max(used + count, capacity + capacity / 2)
            let moved = UnsafeMutablePointer<Int32>.allocate(capacity: larger)
            moved.update(from: storage, count: used)
            storage.deallocate()
            storage = moved
            capacity = larger
        }
        defer { used += count }
        return used
    }
}

/// One tile's compacted segment lists: segment q's entries, in increasing order, are
/// `storage[storage[q] ..< storage[q + 1]]`.
struct SegmentLists {
    static let segments = 2 * tileSize
    let storage: UnsafePointer<Int32>

    @inline(__always) func entries(_ q: Int) -> UnsafePointer<Int32> { storage + Int(storage[q]) }
    @inline(__always) func count(_ q: Int) -> Int { Int(storage[q + 1] - storage[q]) }
}
