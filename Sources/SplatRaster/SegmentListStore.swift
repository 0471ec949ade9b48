import Foundation

/// Every tile's segment lists (`buildSegmentLists`), reduced by the forward to the entries that
/// blended into some pixel of the segment before its pixels terminated, kept for the backward of
/// the same render so it does not build them again.
/// A tile's lists are compacted into the arena of the worker scratch that ran its forward (blocks
/// that never move and are reused by later renders); `reset` at the start of a render forgets them.
final class SegmentListStore: @unchecked Sendable {
    private var tiles = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: 0)
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
    func lists(of tile: Int) -> SegmentLists? { tiles[tile].map { SegmentLists(storage: $0) } }

    /// Keeps tile `tile`'s lists, laid out as `buildSegmentLists` writes them (segment q at
    /// `lists[q·n ...]`, its first `segmentCount[q]` entries), in `arena` (the running tile's
    /// scratch). Entry indices take 16 bits when the tile has at most 65,536 entries, else 32.
    func keep(tile: Int, n: Int, lists: UnsafePointer<Int32>, segmentCount: UnsafePointer<Int32>,
              into arena: SegmentListArena) {
        if arena.generation != generation { arena.rewind(); arena.generation = generation }
        let segments = SegmentLists.segments
        var total = 0
        for q in 0..<segments { total += Int(segmentCount[q]) }
        let narrow = n <= 65_536
        let header = SegmentLists.headerWords * 4
        let storage = arena.allocate(bytes: header + total * (narrow ? 2 : 4))
        let starts = storage.assumingMemoryBound(to: Int32.self)
        starts[segments + 1] = narrow ? 1 : 0
        var position = 0
        for q in 0..<segments {
            starts[q] = Int32(position)
            let count = Int(segmentCount[q]), from = lists + q * n
            if narrow {
                let to = (storage + header).assumingMemoryBound(to: UInt16.self) + position
                for i in 0..<count { to[i] = UInt16(truncatingIfNeeded: from[i]) }
            } else {
                ((storage + header).assumingMemoryBound(to: Int32.self) + position).update(from: from, count: count)
            }
            position += count
        }
        starts[segments] = Int32(position)
        tiles[tile] = UnsafeRawPointer(storage)
    }
}

/// A worker's storage for the segment lists of the tiles it rendered (`SegmentListStore`): blocks
/// handed out front to back and never moved, so kept lists stay where they are while later tiles
/// are added; `rewind` makes all of them free again without giving memory back.
final class SegmentListArena: @unchecked Sendable {
    private static let blockBytes = 131_072
    private var blocks: [(base: UnsafeMutableRawPointer, capacity: Int)] = []
    private var current = 0, used = 0
    var generation = 0

    deinit { for block in blocks { block.base.deallocate() } }

    func rewind() { current = 0; used = 0 }

    /// Room for `bytes` bytes (rounded up to a multiple of 8), uninitialised, 8-byte aligned.
    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = (bytes + 7) & ~7
        while current < blocks.count {
            if used + size <= blocks[current].capacity {
                defer { used += size }
                return blocks[current].base + used
            }
            current += 1
            used = 0
        }
        let capacity = max(size, Self.blockBytes)
        blocks.append((.allocate(byteCount: capacity, alignment: 8), capacity))
        used = size
        return blocks[current].base
    }
}

/// One tile's compacted segment lists: a header of 32-bit words (segment q's entries are the
/// list's positions `header[q] ..< header[q + 1]`; word 33 is 1 when the entry indices take 16
/// bits) followed by the entry indices, in increasing order within each segment.
struct SegmentLists {
    static let segments = 2 * tileSize
    static let headerWords = segments + 2
    let storage: UnsafeRawPointer

    private var header: UnsafePointer<Int32> { storage.assumingMemoryBound(to: Int32.self) }
    @inline(__always) func start(_ q: Int) -> Int { Int(header[q]) }
    @inline(__always) func count(_ q: Int) -> Int { Int(header[q + 1] - header[q]) }
    /// The entry indices; `entries[start(q) + i]` is segment q's i-th entry.
    @inline(__always) var entries: EntryIndices {
        let base = storage + Self.headerWords * 4
        return header[Self.segments + 1] == 1
            ? EntryIndices(narrow: base.assumingMemoryBound(to: UInt16.self), wide: nil)
            : EntryIndices(narrow: nil, wide: base.assumingMemoryBound(to: Int32.self))
    }
}

/// Kept entry indices, 16 or 32 bits wide (one width per tile, so the branch is predictable).
struct EntryIndices {
    let narrow: UnsafePointer<UInt16>?
    let wide: UnsafePointer<Int32>?

    @inline(__always) subscript(i: Int) -> Int {
        if let narrow { return Int(narrow[i]) }
        return Int(wide.unsafelyUnwrapped[i])
    }
}
