import SplatMath

/// Tile lists of one view: every visible Gaussian appears in each 16×16 tile of its rectangle
/// (`ProjectionState.rect`), and each tile's list is sorted front to back (by depth, ties by index).
final class TileBins: @unchecked Sendable {
    var tilesX = 0, tilesY = 0
    var entryCount = 0
    /// tileStart[t]..<tileStart[t+1] are tile t's entries (tilesX·tilesY + 1 values).
    let tileStart = ScratchBuffer<Int32>(fill: 0)
    /// Gaussian index of each entry, tile-major.
    let entries = ScratchBuffer<Int32>(fill: 0)
    /// Sort keys: depth bits (positive floats order like integers) << 32 | index.
    let keys = ScratchBuffer<UInt64>(fill: 0)
    /// Per chunk of the sorted keys and tile: its entry count, then its next slot.
    private let cursor = ScratchBuffer<Int32>(fill: 0)
    private let sortBuffer = ScratchBuffer<UInt64>(fill: 0)
    private let digitCounts = ScratchBuffer<Int>(fill: 0)

    var tileCount: Int { tilesX * tilesY }

    /// Bins the Gaussians projected in `s`: a serial sort by depth, then a counting sort by tile
    /// over `threads` workers.
    func bin(_ s: ProjectionState, view v: ViewConstants, threads: Int) {
        let n = s.count
        tilesX = v.tilesX; tilesY = v.tilesY
        let tiles = tileCount
        let rect = s.rect.pointer, radius = s.radius.pointer, records = s.records.pointer, stride = s.recordStride
        // Sort keys of the visible Gaussians.
        let keyPtr = keys.reserve(max(n, 1))
        var visible = 0
        for i in 0..<n where radius[i] > 0 {
            keyPtr[visible] = UInt64(records[i * stride + Packed.depth].bitPattern) << 32 | UInt64(i)
            visible += 1
        }
        // Keys are generated in index order and the radix sort is stable on the depth bits, so the
        // order is that of sorting the whole (depth, index) keys.
        radixSortByDepth(keyPtr, visible)
        let keyCount = visible

        // A stable counting sort by tile, in parallel: each chunk of the depth-sorted keys counts its
        // entries per tile; every (tile, chunk) then gets its first slot, tiles in order and chunks in
        // order within a tile; then the chunks scatter at once. Each tile's list comes out in depth
        // order, the same whatever the number of chunks.
        let chunks = threads == 1 ? 1 : min(8, max(1, keyCount / 16_384))
        let tStart = tileStart.reserve(tiles + 1)
        let counts = SendablePointer(cursor.reserve(chunks * tiles, zeroed: true))
        let keysOf = SendablePointer(keyPtr), rects = SendablePointer(rect)
        let tilesX = self.tilesX
        @Sendable func forEachTile(of k: Int, _ body: (Int) -> Void) {
            let i = Int(keysOf.base[k] & 0xFFFF_FFFF), r = rects.base + 4 * i
            for ty in Int(r[1])..<Int(r[3]) {
                for tx in Int(r[0])..<Int(r[2]) { body(ty * tilesX + tx) }
            }
        }
        parallelChunks(chunks, threads: threads) { c in
            let row = counts.base + c * tiles
            for k in chunkRange(c, of: chunks, count: keyCount) { forEachTile(of: k) { row[$0] += 1 } }
        }
        var run: Int32 = 0
        for t in 0..<tiles {
            tStart[t] = run
            for c in 0..<chunks {
                let count = counts.base[c * tiles + t]
                counts.base[c * tiles + t] = run
                run += count
            }
        }
        tStart[tiles] = run
        entryCount = Int(run)
        let ent = SendablePointer(entries.reserve(max(entryCount, 1)))
        parallelChunks(chunks, threads: threads) { c in
            let next = counts.base + c * tiles
            for k in chunkRange(c, of: chunks, count: keyCount) {
                let i = Int32(truncatingIfNeeded: keysOf.base[k] & 0xFFFF_FFFF)
                forEachTile(of: k) { t in
                    ent.base[Int(next[t])] = i
                    next[t] += 1
                }
            }
        }
    }

    /// Stable LSD radix sort of `keys[0..<n]` by their upper 32 bits (the depth's bit pattern;
    /// positive floats order like their bits): three passes of 11 bits, skipping a pass whose
    /// digit is the same for every key.
    private func radixSortByDepth(_ keys: UnsafeMutablePointer<UInt64>, _ n: Int) {
        if n < 2 { return }
        let tmp = sortBuffer.reserve(n)
        let counts = digitCounts.reserve(2048)
        var src = keys, dst = tmp
        for pass in 0..<3 {
            let shift = UInt64(32 + 11 * pass)
            for d in 0..<2048 { counts[d] = 0 }
            for i in 0..<n { counts[Int((src[i] >> shift) & 0x7FF)] += 1 }
            if counts[Int((src[0] >> shift) & 0x7FF)] == n { continue }
            var run = 0
            for d in 0..<2048 {
                let c = counts[d]
                counts[d] = run
                run += c
            }
            for i in 0..<n {
                let key = src[i], d = Int((key >> shift) & 0x7FF)
                dst[counts[d]] = key
                counts[d] += 1
            }
            swap(&src, &dst)
        }
        if src != keys { keys.update(from: src, count: n) }
    }
}
