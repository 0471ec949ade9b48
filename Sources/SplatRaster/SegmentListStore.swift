import Foundation

/// Every tile's segment lists (`buildSegmentLists`), as far as the forward walked them before its
/// pixels terminated, kept for the backward of the same render so it does not build them again.
/// A tile's lists are compacted into the arena of the worker scratch that ran its forward (blocks
/// that never move and are reused by later renders); `reset` at the start of a render forgets them.
final class SegmentListStore: @unchecked Sendable {
    private var tiles = UnsafeMutablePointer<UnsafePointer<Int32>?>.allocate(capacity: 0)
    private var capacity = 0
    /// Arenas filled under an older generation are empty for this render.
    private var generation = 0

    deinit { tiles.deallocate() }

    /// Forgets the previous render's lists and makes room for `tileCount` tiles.
    func reset(tileCount: Int) {
        if tileCount > capacity {
            tiles.deallocate()
            tiles = .allocate(capacity: tileCount)
            capacity = tileCount
        }
        tiles.initialize(repeating: nil, count: tileCount)
        generation += 1
    }

    /// The kept lists of `tile` (nil before its forward ran).
    func lists(of tile: Int) -> SegmentLists? { tiles[tile].map(SegmentLists.init) }

    /// Keeps tile `tile`'s lists, laid out as `buildSegmentLists` writes them (segment q at
    /// `lists[q·n ...]`, its first `segmentCount[q]` entries), in `arena` (the running tile's
    /// scratch).
    func keep(tile: Int, n: Int, lists: UnsafePointer<Int32>, segmentCount: UnsafePointer<Int32>,
              into arena: SegmentListArena) {
        if arena.generation != generation { arena.rewind(); arena.generation = generation }
        let segments = SegmentLists.segments
        var total = segments + 1
        for q in 0..<segments { total += Int(segmentCount[q]) }
        let storage = arena.allocate(total)
        var position = segments + 1
        for q in 0..<segments {
            storage[q] = Int32(position)
            let count = Int(segmentCount[q])
            (storage + position).update(from: lists + q * n, count: count)
            position += count
        }
        storage[segments] = Int32(position)
        tiles[tile] = UnsafePointer(storage)
    }
}

/// A worker's storage for the segment lists of the tiles it rendered (`SegmentListStore`): blocks
/// handed out front to back and never moved, so kept lists stay where they are while later tiles
/// are added; `rewind` makes all of them free again without giving memory back.
final class SegmentListArena: @unchecked Sendable {
    private static let blockElements = 32_768
    private var blocks: [(base: UnsafeMutablePointer<Int32>, capacity: Int)] = []
    private var current = 0, used = 0
    var generation = 0

    deinit { for block in blocks { block.base.deallocate() } }

    func rewind() { current = 0; used = 0 }

    /// Room for `count` elements, uninitialised.
    func allocate(_ count: Int) -> UnsafeMutablePointer<Int32> {
        while current < blocks.count {
            if used + count <= blocks[current].capacity {
                defer { used += count }
                return blocks[current].base + used
            }
            current += 1
            used = 0
        }
        let capacity = max(count, Self.blockElements)
        blocks.append((.allocate(capacity: capacity), capacity))
        used = count
        return blocks[current].base
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
