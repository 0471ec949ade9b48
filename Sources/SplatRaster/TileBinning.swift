import SplatMath

/// Tile lists of one view: every visible Gaussian appears in each 16×16 tile its 3σ rectangle
/// touches, and each tile's list is sorted front to back (by depth, ties by index).
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
        var sortable = UnsafeMutableBufferPointer(start: keyPtr, count: visible)
        sortable.sort()

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
}
