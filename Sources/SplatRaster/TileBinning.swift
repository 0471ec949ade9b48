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
    let cursor = ScratchBuffer<Int32>(fill: 0)
    private let sortBuffer = ScratchBuffer<UInt64>(fill: 0)
    private let digitCounts = ScratchBuffer<Int>(fill: 0)

    var tileCount: Int { tilesX * tilesY }

    /// Bins the Gaussians projected in `s` (serial: a sort and two counting passes).
    func bin(_ s: ProjectionState, view v: ViewConstants) {
        let n = s.count
        tilesX = v.tilesX; tilesY = v.tilesY
        let tiles = tileCount
        let rect = s.rect.pointer, radius = s.radius.pointer, records = s.records.pointer, stride = s.recordStride
        // Entry count; sort keys of the visible Gaussians.
        let keyPtr = keys.reserve(max(n, 1))
        var visible = 0, total = 0
        for i in 0..<n {
            if radius[i] > 0 {
                let c = Int(rect[4 * i + 2] - rect[4 * i]) * Int(rect[4 * i + 3] - rect[4 * i + 1])
                total += c
                keyPtr[visible] = UInt64(records[i * stride + Packed.depth].bitPattern) << 32 | UInt64(i)
                visible += 1
            }
        }
        entryCount = total
        // Keys are generated in index order and the radix sort is stable on the depth bits, so the
        // order is that of sorting the whole (depth, index) keys.
        radixSortByDepth(keyPtr, visible)

        // Tile counts → tile starts.
        let tStart = tileStart.reserve(tiles + 1)
        let cur = cursor.reserve(tiles)
        for t in 0..<tiles { cur[t] = 0 }
        for k in 0..<visible {
            let i = Int(keyPtr[k] & 0xFFFF_FFFF)
            for ty in Int(rect[4 * i + 1])..<Int(rect[4 * i + 3]) {
                for tx in Int(rect[4 * i])..<Int(rect[4 * i + 2]) { cur[ty * tilesX + tx] += 1 }
            }
        }
        var run: Int32 = 0
        for t in 0..<tiles {
            tStart[t] = run
            run += cur[t]
            cur[t] = tStart[t]
        }
        tStart[tiles] = run

        // Stable scatter in depth order: each tile's list comes out sorted.
        let ent = entries.reserve(max(total, 1))
        for k in 0..<visible {
            let i = Int(keyPtr[k] & 0xFFFF_FFFF)
            for ty in Int(rect[4 * i + 1])..<Int(rect[4 * i + 3]) {
                for tx in Int(rect[4 * i])..<Int(rect[4 * i + 2]) {
                    let t = ty * tilesX + tx
                    let pos = cur[t]
                    cur[t] = pos + 1
                    ent[Int(pos)] = Int32(i)
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
