import CPrefetch
import Foundation

/// Layout of one Gaussian record (and packed tile entry): geometry, the half extents of the
/// α ≥ threshold ellipse (−1 when it is empty), the terms of its per-row x interval, then the
/// blended channels.
enum Packed {
    static let px = 0, py = 1, a = 2, b = 3, c = 4, opacity = 5, depth = 6, halfX = 7, halfY = 8
    /// 2·ln(o/threshold) (+∞ without threshold), c − b²/a and 1/a of the conic.
    static let twoL = 9, cEff = 10, invA = 11
    static let channels = 12
}

/// Layout of one per-(tile, entry) gradient slot.
enum Slot {
    static let px = 0, py = 1, a = 2, b = 3, c = 4, opacity = 5, depth = 6, color = 7, features = 10
}

/// What the tile kernels read and write, shared by all tiles of one render.
struct TileContext: @unchecked Sendable {
    var width: Int, height: Int, tilesX: Int
    /// Colour channels (3) plus blended feature channels.
    var channels: Int
    var featureCount: Int
    var alphaThreshold: Float
    var background: SIMD3<Float>
    var tileStart: UnsafeMutablePointer<Int32>
    var entries: UnsafeMutablePointer<Int32>
    var records: UnsafeMutablePointer<Float>
    /// The forward keeps each tile's segment lists here; the backward reads them.
    var segmentLists: SegmentListStore
}

extension TileContext {
    var stride: Int { Packed.channels + channels }

    /// Copies the first `width` floats of tile `tile`'s records into `out` (`width` apart) and,
    /// when `rows` is given, each entry's first and last image row worth evaluating into it (an
    /// empty range when its α ellipse misses the tile's columns).
    @inline(__always)
    func pack(tile: Int, into out: UnsafeMutablePointer<Float>, width: Int, rows: UnsafeMutablePointer<Float>?) -> Int {
        let start = Int(tileStart[tile]), end = Int(tileStart[tile + 1])
        let stride = self.stride
        let colX0 = Float((tile % tilesX) * tileSize), colX1 = colX0 + Float(tileSize - 1)
        for k in 0..<(end - start) {
            // The records lie anywhere in the array: fetch the one 8 entries ahead so the misses
            // overlap.
            if start + k + 8 < end { prefetchRow(records + Int(entries[start + k + 8]) * stride, floats: stride) }
            let rec = records + Int(entries[start + k]) * stride
            let e = out + k * width
            // SIMD8 blocks (the record and packed buffers have 8 floats of padding; a block past
            // `width` is overwritten by the next entry): no memmove call.
            var j = 0
            while j < width {
                UnsafeMutableRawPointer(e + j).storeBytes(of: UnsafeRawPointer(rec + j).loadUnaligned(as: V8.self),
                                                          as: V8.self)
                j += 8
            }
            guard let rows else { continue }
            let x = e[Packed.px], hx = e[Packed.halfX], y = e[Packed.py], hy = e[Packed.halfY]
            if hx >= 0 && x + hx >= colX0 && x - hx <= colX1 {
                rows[2 * k] = y - hy; rows[2 * k + 1] = y + hy
            } else {
                rows[2 * k] = .infinity; rows[2 * k + 1] = -.infinity
            }
        }
        return end - start
    }
}

/// Per-pixel outputs and the state backward needs, planar H·W.
struct PixelBuffers: @unchecked Sendable {
    var color: UnsafeMutablePointer<Float>        // 3 planes
    var features: UnsafeMutablePointer<Float>     // featureCount planes
    var depth, alpha, finalT: UnsafeMutablePointer<Float>
    var contributors, last: UnsafeMutablePointer<Int32>
}

/// Pixels per SIMD8 row segment of the tile kernels.
let segment = 8
let laneIndex8 = V8(0, 1, 2, 3, 4, 5, 6, 7)

/// Per-segment lists of a tile's entries. A segment is 8 pixels of a row (segment 2r + s is row
/// r, columns 8s..<8s+8 of the tile); segment q's entries worth evaluating, in increasing k (front
/// to back), are `lists[q·n ..< q·n + segmentCount[q]]`. An entry is listed on a segment when the
/// row lies in its α ellipse's row range and the ellipse's interval on that row meets the
/// segment's columns, made once per tile instead of per row walk, eight rows per SIMD8 vector. On
/// row y the ellipse dᵀQd ≤ 2L is the interval dx ∈ −b·dy/a ± √((2L − (c − b²/a)·dy²)/a), widened
/// by a margin so a contributing pixel is never skipped.
@inline(__always)
func buildSegmentLists(_ n: Int, _ packed: UnsafeMutablePointer<Float>, stride: Int,
                       _ rowRange: UnsafeMutablePointer<Float>, x0: Int, y0: Int, lanes: Int, rows: Int,
                       _ lists: UnsafeMutablePointer<Int32>, _ segmentCount: UnsafeMutablePointer<Int32>) {
    for q in 0..<(2 * tileSize) { segmentCount[q] = 0 }
    let yTop = Float(y0), yBottom = Float(y0 + rows - 1)
    let a0 = Float(x0), a1 = Float(x0 + min(segment, lanes) - 1)
    let twoSegments = lanes > segment
    let b0 = Float(x0 + segment), b1 = Float(x0 + lanes - 1)
    let rowGroups = (rows + 7) / 8
    for k in 0..<n {
        let lo = rowRange[2 * k], hi = rowRange[2 * k + 1]
        if !(lo <= yBottom && hi >= yTop) { continue }
        let e = packed + k * stride
        let px = e[Packed.px], py = e[Packed.py], twoL = e[Packed.twoL], cEff = e[Packed.cEff]
        let invA = e[Packed.invA], bInvA = e[Packed.b] * invA
        // Bit r of left/right: the entry meets row r's left/right segment. The tile's rows eight
        // at a time, one per lane.
        var left: UInt32 = 0, right: UInt32 = 0
        for group in 0..<rowGroups {
            let rowOffset = 8 * group
            let ys = laneIndex8 + Float(y0 + rowOffset)
            let inRows = (ys .>= lo) .& (ys .<= min(hi, yBottom))   // (SIMD8 integer compares go scalar)
            if !anyLane8(inRows) { continue }
            // On row y the ellipse is dx ∈ center ± h, h = √((2L − (c − b²/a)·dy²)/a), widened to
            // 1.001·h + 0.02 (h = 0 when the root's argument is not positive). It meets columns
            // [c0, c1] when the gap D = max(c0 − center, center − c1) is at most the widened half
            // width: D ≤ 0.02, or (D − 0.02)² ≤ 1.001²·h², with no square root.
            let dy = ys - py
            let rem = twoL - cEff * dy * dy
            let squaredHalf = (rem * invA) * (1.001 * 1.001)
            let hasWidth = rem .> 0
            let center = px - bInvA * dy
            @inline(__always) func meets(_ c0: Float, _ c1: Float) -> UInt32 {
                let gapToLeft = c0 - center, gapToRight = center - c1
                let gap = gapToLeft.replacing(with: gapToRight, where: gapToRight .> gapToLeft) - 0.02
                return laneBits8(inRows .& ((gap .<= 0) .| (hasWidth .& (gap * gap .<= squaredHalf))))
            }
            left |= meets(a0, a1) << rowOffset
            if twoSegments { right |= meets(b0, b1) << rowOffset }
        }
        // Append k on the rows between the first and last met, without a branch per row: the
        // slot after a list's end is written either way and kept only when the bit is set.
        // Wrapping arithmetic and pointers advanced per row: no overflow check or multiply per row.
        let met = left | right
        if met == 0 { continue }
        let firstRow = met.trailingZeroBitCount, lastRow = 31 &- met.leadingZeroBitCount
        let entry = Int32(truncatingIfNeeded: k)
        var leftBits = left >> UInt32(firstRow), rightBits = right >> UInt32(firstRow)
        var leftList = lists + 2 &* firstRow &* n
        var count = segmentCount + 2 &* firstRow
        for _ in firstRow...lastRow {
            let c0 = Int(count[0]), c1 = Int(count[1])
            leftList[c0] = entry
            (leftList + n)[c1] = entry
            count[0] = Int32(truncatingIfNeeded: c0) &+ Int32(truncatingIfNeeded: leftBits & 1)
            count[1] = Int32(truncatingIfNeeded: c1) &+ Int32(truncatingIfNeeded: rightBits & 1)
            leftBits >>= 1; rightBits >>= 1
            leftList += 2 &* n; count += 2
        }
    }
}

/// Front-to-back blending of one tile (3DGS renderCUDA), 8 pixels of a row segment per SIMD8
/// vector, each segment walking only its own entry list (`buildSegmentLists`) and stopping when
/// all its pixels have terminated; the entries of each list that blended into some pixel are kept
/// in `ctx.segmentLists` for the backward. Two phases per segment: the walk computes each
/// contributing entry's blending weights w (SIMD8 over the pixels) and keeps them; then the
/// channels are summed, Σ w·value, in blocks of 4 channels whose accumulators stay in registers
/// (all 3 + 16 do not fit in the 16 ymm registers next to the walk's). Returns the number of
/// Gaussian-pixel evaluations (segments evaluated × pixels in them).
func forwardTile(_ tile: Int, _ ctx: TileContext, _ px: PixelBuffers, _ scratch: TileScratch) -> Int {
    let count = Int(ctx.tileStart[tile + 1] - ctx.tileStart[tile])
    let stride = ctx.stride
    let packed = scratch.entries.reserve(count * (stride + 2) + 16)
    let rowRange = packed + count * stride + 8
    let n = ctx.pack(tile: tile, into: packed, width: stride, rows: rowRange)
    let x0 = (tile % ctx.tilesX) * tileSize, y0 = (tile / ctx.tilesX) * tileSize
    let lanes = min(tileSize, ctx.width - x0), rows = min(tileSize, ctx.height - y0)
    let lists = scratch.lists.reserve(max(n * 2 * tileSize, 1)), segmentCount = scratch.rowCount.reserve(2 * tileSize)
    buildSegmentLists(n, packed, stride: stride, rowRange, x0: x0, y0: y0, lanes: lanes, rows: rows, lists, segmentCount)
    // The walk's weights (at most n per segment).
    let weights = scratch.weights.reserve(max(n, 1))
    let sums = scratch.channelSums.reserve(4)
    let hw = ctx.width * ctx.height
    let thr = ctx.alphaThreshold
    let nch = ctx.channels
    let bg = ctx.background
    var evaluations = 0
    for q in 0..<(2 * rows) {
        let r = q / 2, s = q % 2
        let sx0 = x0 + segment * s, sl = min(segment, lanes - segment * s)
        if sl <= 0 { continue }
        let y = Float(y0 + r)
        let xs = laneIndex8 + Float(sx0)
        var t = V8(repeating: 1)
        var done: VM8 = laneIndex8 .>= Float(sl)
        var last = VI8(repeating: 0), contributors = VI8(repeating: 0)
        var depth = V8(repeating: 0)
        var m = 0
        let list = lists + q * n
        for idx in 0..<Int(segmentCount[q]) {
            let k = Int(list[idx])
            let e = packed + k * stride
            evaluations += sl
            let dx = xs - e[Packed.px], dy = y - e[Packed.py]
            let a = e[Packed.a], b = e[Packed.b], c = e[Packed.c], o = e[Packed.opacity]
            let power = -0.5 * (a * dx * dx + V8(repeating: c * dy * dy)) - (b * dy) * dx
            let alpha = vmin8(o * vexp8(power), 0.99)
            var valid = .!done .& (power .<= 0) .& (alpha .>= thr)
            if !anyLane8(valid) { continue }
            let testT = t * (1 - alpha)
            let stop = valid .& (testT .< 1e-4)
            if anyLane8(stop) {
                done = done .| stop
                valid = valid .& .!stop
                if !anyLane8(.!done) { break }
            }
            let w = V8(repeating: 0).replacing(with: alpha * t, where: valid)
            t.replace(with: testT, where: valid)
            // The list is compacted in place to the entries that blend (m ≤ idx): the channel
            // sums read it, and the backward replays only these (an entry with no valid lane here
            // has none there either: its lanes are invalid or behind their last contributor).
            weights[m] = w
            list[m] = Int32(k)
            m += 1
            depth = depth.addingProduct(w, V8(repeating: e[Packed.depth]))
            last.replace(with: VI8(repeating: Int32(k + 1)), where: valid)
            contributors.replace(with: contributors &+ 1, where: valid)
        }
        segmentCount[q] = Int32(m)
        // Channels in blocks of 4 (colour over the background seen through T_final).
        let p = (y0 + r) * ctx.width + sx0
        var block = 0
        while block < nch {
            channelSums4(m, weights, list, packed + Packed.channels + block, stride: stride, into: sums)
            for j in 0..<min(4, nch - block) {
                let ch = block + j
                if ch < 3 {
                    store(sums[j] + t * bg[ch], to: px.color + ch * hw, at: p, count: sl)
                } else {
                    store(sums[j], to: px.features + (ch - 3) * hw, at: p, count: sl)
                }
            }
            block += 4
        }
        store(depth, to: px.depth, at: p, count: sl)
        store(1 - t, to: px.alpha, at: p, count: sl)
        store(t, to: px.finalT, at: p, count: sl)
        store(last, to: px.last, at: p, count: sl)
        store(contributors, to: px.contributors, at: p, count: sl)
    }
    ctx.segmentLists.keep(tile: tile, n: n, lists: lists, segmentCount: segmentCount, into: scratch.keptLists)
    return evaluations
}

/// Σ_i weights[i]·values(entry i)[j] for the 4 channels j of a block, into `out[j]`; `values`
/// points at the block's first channel in packed entry 0. The accumulators stay in registers (8
/// of them spilled one, measured slower). Reading past a block's last channel is harmless: the
/// packed buffer is padded and those sums are not used.
@inline(__always)
private func channelSums4(_ m: Int, _ weights: UnsafePointer<V8>, _ entries: UnsafePointer<Int32>,
                          _ values: UnsafePointer<Float>, stride: Int, into out: UnsafeMutablePointer<V8>) {
    var c0 = V8(), c1 = c0, c2 = c0, c3 = c0
    for i in 0..<m {
        let w = weights[i], v = values + Int(entries[i]) * stride
        c0 = c0.addingProduct(w, V8(repeating: v[0])); c1 = c1.addingProduct(w, V8(repeating: v[1]))
        c2 = c2.addingProduct(w, V8(repeating: v[2])); c3 = c3.addingProduct(w, V8(repeating: v[3]))
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3
}

/// Stores the first `count` lanes of `v` at `plane + at` (one vector store when all 8).
@inline(__always)
func store<T: SIMDScalar>(_ v: SIMD8<T>, to plane: UnsafeMutablePointer<T>, at: Int, count: Int) {
    if count == segment {
        UnsafeMutableRawPointer(plane + at).storeBytes(of: v, as: SIMD8<T>.self)
    } else {
        for l in 0..<count { plane[at + l] = v[l] }
    }
}

/// Upstream gradients of one render, planar H·W; nil planes were not requested.
struct UpstreamPlanes: @unchecked Sendable {
    var color: UnsafePointer<Float>?
    var features: UnsafePointer<Float>?
    var depth: UnsafePointer<Float>?
    var alpha: UnsafePointer<Float>?
    /// Feature upstream also reaches α (and so means, covariances, opacities).
    var featuresReachGeometry: Bool

    /// Whether any upstream reaches α.
    var needsGeometry: Bool {
        color != nil || depth != nil || alpha != nil || (features != nil && featuresReachGeometry)
    }
}

/// Back-to-front replay of one tile (3DGS renderCUDA backward), 8 pixels of a row segment per
/// SIMD8 vector, each segment walking the entry list its forward kept backwards from its last
/// contributor. Accumulates each entry's gradients in a slot (stride
/// `Slot.features + featureCount`, in entry order) in `scratch`.
///
/// The per-channel sums Σ_pixels w·dL/dchannel (colour, features, depth) are not reduced across
/// lanes per entry and segment: the segment's upstream is laid out pixel-major (channels
/// contiguous, padded to SIMD8 blocks) and each pixel of the entry's α interval adds w_pixel times
/// its channel vector into the entry's channel accumulators: FMAs on channel vectors instead of a
/// horizontal sum per channel. Returns the Gaussian-pixel evaluations and the slots.
func backwardTile(_ tile: Int, _ ctx: TileContext, _ px: PixelBuffers, _ up: UpstreamPlanes,
                  _ scratch: TileScratch) -> (evaluations: Int, slots: UnsafeBufferPointer<Float>) {
    let start = Int(ctx.tileStart[tile]), count = Int(ctx.tileStart[tile + 1]) - start
    if count == 0 { return (0, UnsafeBufferPointer(start: nil, count: 0)) }
    let slotStride = Slot.features + ctx.featureCount
    let nch = ctx.channels, nf = ctx.featureCount
    let hasColor = up.color != nil, hasFeatures = up.features != nil && nch > 3
    let hasDepth = up.depth != nil
    let featureAlpha = hasFeatures && up.featuresReachGeometry
    // Entries keep their feature values only when the features' upstream reaches α (dL/dα's P).
    let stride = featureAlpha ? ctx.stride : Packed.channels + 3
    // Channel blocks: colour 0..<3, features 3..<nch, depth nch, in SIMD8 blocks.
    let blocks = (nch + 1 + 7) / 8
    let packed = scratch.entries.reserve(count * (stride + slotStride) + 16)
    let tileSlots = packed + count * stride + 8
    tileSlots.update(repeating: 0, count: count * slotStride)
    // Per-entry channel accumulators, the segment's upstream pixel-major (8 pixels × blocks), a
    // lane buffer, the segment's upstream planes (colour, features) and per-entry lane sums of
    // the geometry moments (`GeometryMoments`).
    let chanAcc = scratch.channelSums.reserve(count * (blocks + GeometryMoments.count) + segment * blocks + 1 + nch)
    chanAcc.update(repeating: V8(), count: count * blocks)
    let gSeg = chanAcc + count * blocks
    let wBuf = UnsafeMutableRawPointer(gSeg + segment * blocks).assumingMemoryBound(to: Float.self)
    let g = gSeg + segment * blocks + 1
    let moments = g + nch
    let n = ctx.pack(tile: tile, into: packed, width: stride, rows: nil)
    let x0 = (tile % ctx.tilesX) * tileSize, y0 = (tile / ctx.tilesX) * tileSize
    let lanes = min(tileSize, ctx.width - x0), rows = min(tileSize, ctx.height - y0)
    guard let kept = ctx.segmentLists.lists(of: tile) else { preconditionFailure("backward of tile \(tile) before its forward") }
    let hw = ctx.width * ctx.height
    let thr = ctx.alphaThreshold
    let geometry = up.needsGeometry
    if geometry { moments.update(repeating: V8(), count: count * GeometryMoments.count) }
    let bg = ctx.background
    let width8 = 8 * blocks
    let gFlat = UnsafeMutableRawPointer(gSeg).assumingMemoryBound(to: Float.self)
    var evaluations = 0
    for q in 0..<(2 * rows) {
        let r = q / 2, s = q % 2
        let sx0 = x0 + segment * s, sl = min(segment, lanes - segment * s)
        if sl <= 0 { continue }
        @inline(__always) func load(_ plane: UnsafePointer<Float>, _ at: Int) -> V8 {
            var v = V8(repeating: 0)
            for l in 0..<sl { v[l] = plane[at + l] }
            return v
        }
        let segStart = (y0 + r) * ctx.width + sx0
        var last = VI8(repeating: 0)
        var lastMax: Int32 = 0
        for l in 0..<sl { last[l] = px.last[segStart + l]; lastMax = max(lastMax, last[l]) }
        if lastMax == 0 { continue }
        let y = Float(y0 + r)
        let xs = laneIndex8 + Float(sx0)
        let tFinal = load(px.finalT, segStart)
        if let c = up.color { for j in 0..<3 { g[j] = load(c + j * hw, segStart) } }
        if featureAlpha, let f = up.features { for j in 0..<nf { g[3 + j] = load(f + j * hw, segStart) } }
        let gDepth = hasDepth ? load(up.depth!, segStart) : V8(repeating: 0)
        // The segment's channel upstream, pixel-major: pixel l's channels at gFlat[l·8·blocks ...].
        gSeg.update(repeating: V8(), count: segment * blocks)
        if let c = up.color {
            for j in 0..<3 { for l in 0..<sl { gFlat[l * width8 + j] = c[j * hw + segStart + l] } }
        }
        if hasFeatures, let f = up.features {
            var j = 0
            if sl == segment {
                while j + 8 <= nf {
                    transpose8(f + j * hw + segStart, rowStride: hw, into: gFlat + 3 + j, columnStride: width8)
                    j += 8
                }
            }
            for j in j..<nf { for l in 0..<sl { gFlat[l * width8 + 3 + j] = f[j * hw + segStart + l] } }
        }
        if let d = up.depth { for l in 0..<sl { gFlat[l * width8 + nch] = d[segStart + l] } }
        // T_final·(dL/dA − bg·dL/dC): what every α sees through the final transmittance.
        var sFinal = up.alpha.map { load($0, segStart) } ?? V8(repeating: 0)
        if hasColor { sFinal -= bg.x * g[0] + bg.y * g[1] + bg.z * g[2] }
        sFinal *= tFinal
        var t = tFinal
        var suffix = V8(repeating: 0)   // Σ_{j behind} w_j·P_j
        let list = kept.entries, first = kept.start(q)
        var idx = first + kept.count(q) - 1
        while idx >= first && list[idx] >= Int(lastMax) { idx -= 1 }
        while idx >= first {
            let k = list[idx]
            idx -= 1
            let e = packed + k * stride
            evaluations += sl
            let dx = xs - e[Packed.px], dy = y - e[Packed.py]
            let a = e[Packed.a], b = e[Packed.b], c = e[Packed.c], o = e[Packed.opacity]
            let power = -0.5 * (a * dx * dx + V8(repeating: c * dy * dy)) - (b * dy) * dx
            let gauss = vexp8(power)
            let oG = o * gauss
            let alpha = vmin8(oG, 0.99)
            let valid = (VI8(repeating: Int32(k)) .< last) .& (power .<= 0) .& (alpha .>= thr)
            if !anyLane8(valid) { continue }
            let oneMinus = 1 - alpha
            let inv = 1 / oneMinus
            t.replace(with: t * inv, where: valid)
            let w = V8(repeating: 0).replacing(with: alpha * t, where: valid)
            // Channel sums over the segment's pixels, a fixed trip count (lanes outside the α
            // interval have w = 0 and add exact zeros): no branch on the interval's width.
            do {
                UnsafeMutableRawPointer(wBuf).storeBytes(of: w, as: V8.self)
                let acc = chanAcc + k * blocks
                var a0 = V8(), a1 = a0, a2 = a0, a3 = a0
                for l in 0..<sl {
                    let wl = V8(repeating: wBuf[l])
                    let gl = gSeg + l * blocks
                    a0 = a0.addingProduct(wl, gl[0])
                    if blocks > 1 { a1 = a1.addingProduct(wl, gl[1]) }
                    if blocks > 2 { a2 = a2.addingProduct(wl, gl[2]) }
                    if blocks > 3 { a3 = a3.addingProduct(wl, gl[3]) }
                    if blocks > 4 { for m in 4..<blocks { acc[m] = acc[m].addingProduct(wl, gl[m]) } }
                }
                acc[0] += a0
                if blocks > 1 { acc[1] += a1 }
                if blocks > 2 { acc[2] += a2 }
                if blocks > 3 { acc[3] += a3 }
            }
            if geometry {
                let ch = e + Packed.channels
                // P = Σ_channels value·upstream; dL/dα = T·P − (suffix − T_final·s)/(1 − α).
                var p = V8(repeating: 0)
                if hasColor { p = ch[0] * g[0] + ch[1] * g[1] + ch[2] * g[2] }
                if featureAlpha { for j in 0..<nf { p += ch[3 + j] * g[3 + j] } }
                if hasDepth { p += e[Packed.depth] * gDepth }
                let dAlpha = t * p - (suffix - sFinal) * inv
                suffix += w * p
                // α = min(0.99, o·G): no gradient through the clamp.
                let live = valid .& (oG .< 0.99)
                let eg = V8(repeating: 0).replacing(with: dAlpha * gauss, where: live)   // dL/dα · G
                let egdx = eg * dx, dyv = V8(repeating: dy)
                let m = moments + k * GeometryMoments.count
                m[GeometryMoments.e] += eg
                m[GeometryMoments.edx] += egdx
                m[GeometryMoments.edx2] = m[GeometryMoments.edx2].addingProduct(egdx, dx)
                m[GeometryMoments.edy] = m[GeometryMoments.edy].addingProduct(eg, dyv)
                m[GeometryMoments.edxdy] = m[GeometryMoments.edxdy].addingProduct(egdx, dyv)
                m[GeometryMoments.edy2] = m[GeometryMoments.edy2].addingProduct(eg * dyv, dyv)
            }
        }
    }
    if geometry {
        for k in 0..<n {
            GeometryMoments.addGradients(moments + k * GeometryMoments.count, entry: packed + k * stride,
                                         into: tileSlots + k * slotStride)
        }
    }
    // Channel sums into the slots: colour, features (when their upstream was given), depth.
    let accFlat = UnsafeMutableRawPointer(chanAcc).assumingMemoryBound(to: Float.self)
    for k in 0..<n {
        let slot = tileSlots + k * slotStride, acc = accFlat + k * width8
        if hasColor { for j in 0..<3 { slot[Slot.color + j] = acc[j] } }
        if hasFeatures { for j in 0..<nf { slot[Slot.features + j] = acc[3 + j] } }
        if hasDepth { slot[Slot.depth] = acc[nch] }
    }
    return (evaluations, UnsafeBufferPointer(start: tileSlots, count: count * slotStride))
}

/// Per-entry lane sums over a tile's evaluations of e = dL/dα·G (α unclamped) times the moments of
/// the pixel offset (dx, dy): Σe, Σe·dx, Σe·dx², Σe·dy, Σe·dx·dy, Σe·dy². Kept as SIMD8 vectors
/// and reduced once per entry and tile, instead of a horizontal sum per evaluation.
enum GeometryMoments {
    static let e = 0, edx = 1, edx2 = 2, edy = 3, edxdy = 4, edy2 = 5
    static let count = 6

    /// power = −½(a·dx² + c·dy²) − b·dx·dy, dx = x − px, dy = y − py, α = o·exp(power):
    /// dL/do = Σe, dL/dpx = o·(a·Σe·dx + b·Σe·dy), dL/dpy = o·(b·Σe·dx + c·Σe·dy),
    /// dL/da = −½o·Σe·dx², dL/db = −o·Σe·dx·dy, dL/dc = −½o·Σe·dy².
    @inline(__always)
    static func addGradients(_ m: UnsafePointer<V8>, entry e: UnsafePointer<Float>, into slot: UnsafeMutablePointer<Float>) {
        let first = hsum3(m[Self.e], m[edx], m[edx2]), second = hsum3(m[edy], m[edxdy], m[edy2])
        let a = e[Packed.a], b = e[Packed.b], c = e[Packed.c], o = e[Packed.opacity]
        slot[Slot.opacity] = first.x
        slot[Slot.px] = o * (a * first.y + b * second.x)
        slot[Slot.py] = o * (b * first.y + c * second.x)
        slot[Slot.a] = -0.5 * o * first.z
        slot[Slot.b] = -o * second.y
        slot[Slot.c] = -0.5 * o * second.z
    }
}

/// Adds tile `tile`'s entry slots into their Gaussians' rows of `sums` (stride `slotStride`,
/// zeroed before the first tile). The rows are scattered over the whole array: each is
/// prefetched a few entries ahead, so their cache misses overlap instead of stalling one by one.
func addTileSlots(_ tile: Int, _ slots: UnsafeBufferPointer<Float>, _ ctx: TileContext,
                  _ sums: UnsafeMutablePointer<Float>, slotStride: Int) {
    guard let slots = slots.baseAddress else { return }
    let start = Int(ctx.tileStart[tile]), count = Int(ctx.tileStart[tile + 1]) - start
    let ahead = 8
    @inline(__always) func row(_ k: Int) -> UnsafeMutablePointer<Float> { sums + Int(ctx.entries[start + k]) * slotStride }
    for k in 0..<count {
        if k + ahead < count { prefetchRow(row(k + ahead), floats: slotStride) }
        let sum = row(k), slot = slots + k * slotStride
        for j in 0..<slotStride { sum[j] += slot[j] }
    }
}

/// Prefetches the first and last cache lines of a row of `floats` floats. The rows here are
/// shorter than 32 floats, so that is all of a row that starts early in a line; one starting late
/// also spans a middle line; prefetching that one too, in both places, made the backward slower
/// (session 22, docs/PERFORMANCE.md).
@inline(__always) private func prefetchRow(_ row: UnsafePointer<Float>, floats: Int) {
    splat_prefetch_for_write(row)
    splat_prefetch_for_write(row + floats - 1)
}
