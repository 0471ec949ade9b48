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

/// True when entry `e`'s α ≥ threshold ellipse misses pixel columns x0...x1 on row y: on that
/// row dᵀQd ≤ 2L is the interval dx ∈ −b·dy/a ± √((2L − (c − b²/a)·dy²)/a). Widened by a
/// margin, so a contributing pixel is never skipped.
@inline(__always)
func rowMisses(_ e: UnsafeMutablePointer<Float>, _ y: Float, _ x0: Float, _ x1: Float) -> Bool {
    let dy = y - e[Packed.py]
    let rem = e[Packed.twoL] - e[Packed.cEff] * dy * dy
    let half = rem > 0 ? (rem * e[Packed.invA]).squareRoot() * 1.001 + 0.02 : 0.02
    let center = e[Packed.px] - e[Packed.b] * dy * e[Packed.invA]
    return center + half < x0 || center - half > x1
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
    /// Tile rectangles (a Gaussian's first tile starts its gradient sums).
    var rect: UnsafeMutablePointer<Int32>
}

extension TileContext {
    var stride: Int { Packed.channels + channels }

    /// Copies tile `tile`'s records into `out` and each entry's first and last image row worth
    /// evaluating into `rows` (an empty range when its α ellipse misses the tile's columns).
    @inline(__always)
    func pack(tile: Int, into out: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Float>) -> Int {
        let start = Int(tileStart[tile]), end = Int(tileStart[tile + 1])
        let stride = self.stride
        let colX0 = Float((tile % tilesX) * tileSize), colX1 = colX0 + Float(tileSize - 1)
        for k in 0..<(end - start) {
            let rec = records + Int(entries[start + k]) * stride
            let e = out + k * stride
            e.update(from: rec, count: stride)
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

let laneIndex = V16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
let laneIndexI = VI16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

@inline(__always) func maskBits(_ m: VM16) -> VI16 { unsafeBitCast(m, to: VI16.self) }
@inline(__always) func sel(_ m: VI16, _ a: V16, _ b: V16) -> V16 {
    unsafeBitCast((unsafeBitCast(a, to: VI16.self) & m) | (unsafeBitCast(b, to: VI16.self) & ~m), to: V16.self)
}
@inline(__always) func anyBits(_ v: VI16) -> Bool {
    let h = v.lowHalf | v.highHalf
    let q = h.lowHalf | h.highHalf
    let p = q.lowHalf | q.highHalf
    return (p.x | p.y) != 0
}

/// Front-to-back blending of one tile (3DGS renderCUDA), 16 pixels of a row per SIMD16 vector.
/// Returns the number of Gaussian-pixel evaluations (row segments evaluated × pixels in them).
func forwardTile(_ tile: Int, _ ctx: TileContext, _ px: PixelBuffers, _ scratch: TileScratch) -> Int {
    let count = Int(ctx.tileStart[tile + 1] - ctx.tileStart[tile])
    let stride = ctx.stride
    let packed = scratch.entries.reserve(max(count * (stride + 2), 1))
    let rowRange = packed + count * stride
    let acc = scratch.vectors.reserve(ctx.channels + 1)
    let n = ctx.pack(tile: tile, into: packed, rows: rowRange)
    let x0 = (tile % ctx.tilesX) * tileSize, y0 = (tile / ctx.tilesX) * tileSize
    let lanes = min(tileSize, ctx.width - x0), rows = min(tileSize, ctx.height - y0)
    let xs = laneIndex + Float(x0)
    let xFirst = Float(x0), xLast = Float(x0 + lanes - 1)
    let outside = maskBits(laneIndexI .>= Int32(lanes))
    let hw = ctx.width * ctx.height
    let thr = ctx.alphaThreshold
    let nch = ctx.channels
    var evaluations = 0
    for r in 0..<rows {
        let y = Float(y0 + r)
        var t = V16(repeating: 1)
        var done = outside
        var last = VI16(repeating: 0), contributors = VI16(repeating: 0)
        for ch in 0...nch { acc[ch] = V16(repeating: 0) }
        for k in 0..<n {
            if y < rowRange[2 * k] || y > rowRange[2 * k + 1] { continue }
            let e = packed + k * stride
            if rowMisses(e, y, xFirst, xLast) { continue }
            evaluations += lanes
            let dx = xs - e[Packed.px], dy = y - e[Packed.py]
            let a = e[Packed.a], b = e[Packed.b], c = e[Packed.c], o = e[Packed.opacity]
            let power = -0.5 * (a * dx * dx + V16(repeating: c * dy * dy)) - (b * dy) * dx
            let alpha = vmin(o * vexp(power), 0.99)
            var valid = ~done & maskBits(power .<= 0) & maskBits(alpha .>= thr)
            if !anyBits(valid) { continue }
            let testT = t * (1 - alpha)
            let stop = valid & maskBits(testT .< 1e-4)
            if anyBits(stop) {
                done |= stop
                valid &= ~stop
                if !anyBits(~done) { break }
            }
            let w = sel(valid, alpha * t, V16(repeating: 0))
            t = sel(valid, testT, t)
            let ch = e + Packed.channels
            for j in 0..<nch { acc[j] += w * ch[j] }
            acc[nch] += w * e[Packed.depth]
            last = (VI16(repeating: Int32(k + 1)) & valid) | (last & ~valid)
            contributors &-= valid
        }
        let row = (y0 + r) * ctx.width + x0
        let bg = ctx.background
        for l in 0..<lanes {
            let p = row + l
            let tl = t[l]
            px.color[p] = acc[0][l] + tl * bg.x
            px.color[hw + p] = acc[1][l] + tl * bg.y
            px.color[2 * hw + p] = acc[2][l] + tl * bg.z
            for j in 3..<max(3, nch) { px.features[(j - 3) * hw + p] = acc[j][l] }
            px.depth[p] = acc[nch][l]
            px.alpha[p] = 1 - tl
            px.finalT[p] = tl
            px.last[p] = last[l]
            px.contributors[p] = contributors[l]
        }
    }
    return evaluations
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

/// Back-to-front replay of one tile (3DGS renderCUDA backward). Accumulates each entry's
/// gradients in a slot (stride `Slot.features + featureCount`, in entry order) in `scratch`.
/// Returns the Gaussian-pixel evaluations and the slots.
func backwardTile(_ tile: Int, _ ctx: TileContext, _ px: PixelBuffers, _ up: UpstreamPlanes,
                  _ scratch: TileScratch) -> (evaluations: Int, slots: UnsafeBufferPointer<Float>) {
    let start = Int(ctx.tileStart[tile]), count = Int(ctx.tileStart[tile + 1]) - start
    if count == 0 { return (0, UnsafeBufferPointer(start: nil, count: 0)) }
    let slotStride = Slot.features + ctx.featureCount
    let stride = ctx.stride
    let packed = scratch.entries.reserve(count * (stride + 2 + slotStride))
    let rowRange = packed + count * stride
    let tileSlots = rowRange + 2 * count
    tileSlots.update(repeating: 0, count: count * slotStride)
    let nch = ctx.channels, nf = ctx.featureCount
    // Row vectors: colour upstream 0..<3, features 3..<3+nf.
    let g = scratch.vectors.reserve(nch)
    _ = ctx.pack(tile: tile, into: packed, rows: rowRange)
    let x0 = (tile % ctx.tilesX) * tileSize, y0 = (tile / ctx.tilesX) * tileSize
    let lanes = min(tileSize, ctx.width - x0), rows = min(tileSize, ctx.height - y0)
    let xs = laneIndex + Float(x0)
    let xFirst = Float(x0), xLast = Float(x0 + lanes - 1)
    let hw = ctx.width * ctx.height
    let thr = ctx.alphaThreshold
    let geometry = up.needsGeometry
    let hasColor = up.color != nil, hasFeatures = up.features != nil && nch > 3
    let hasDepth = up.depth != nil
    let featureAlpha = hasFeatures && up.featuresReachGeometry
    let bg = ctx.background
    @inline(__always) func load(_ plane: UnsafePointer<Float>, _ row: Int) -> V16 {
        var v = V16(repeating: 0)
        for l in 0..<lanes { v[l] = plane[row + l] }
        return v
    }
    @inline(__always) func loadI(_ plane: UnsafePointer<Int32>, _ row: Int) -> VI16 {
        var v = VI16(repeating: 0)
        for l in 0..<lanes { v[l] = plane[row + l] }
        return v
    }
    var evaluations = 0
    for r in 0..<rows {
        let rowStart = (y0 + r) * ctx.width + x0
        let last = loadI(px.last, rowStart)
        var lastMax: Int32 = 0
        for l in 0..<lanes { lastMax = max(lastMax, last[l]) }
        if lastMax == 0 { continue }
        let y = Float(y0 + r)
        let tFinal = load(px.finalT, rowStart)
        if let c = up.color { for j in 0..<3 { g[j] = load(c + j * hw, rowStart) } }
        // Bit j: feature plane j is non-zero somewhere in this row. One-hot upstreams (Gaussian
        // voting's id planes) touch one or two planes per row; a zero plane adds exactly 0, so it is
        // skipped. More than 64 planes are always all visited.
        var featurePlanes: UInt64 = 0
        if hasFeatures, let f = up.features {
            for j in 0..<nf {
                g[3 + j] = load(f + j * hw, rowStart)
                if j < 64, anyLane(g[3 + j] .!= 0) { featurePlanes |= 1 << UInt64(j) }
            }
        }
        let gDepth = hasDepth ? load(up.depth!, rowStart) : V16(repeating: 0)
        // T_final·(dL/dA − bg·dL/dC): what every α sees through the final transmittance.
        var sFinal = up.alpha.map { load($0, rowStart) } ?? V16(repeating: 0)
        if hasColor { sFinal -= bg.x * g[0] + bg.y * g[1] + bg.z * g[2] }
        sFinal *= tFinal
        var t = tFinal
        var suffix = V16(repeating: 0)   // Σ_{j behind} w_j·P_j
        var k = Int(lastMax) - 1
        while k >= 0 {
            defer { k -= 1 }
            if y < rowRange[2 * k] || y > rowRange[2 * k + 1] { continue }
            let e = packed + k * stride
            if rowMisses(e, y, xFirst, xLast) { continue }
            evaluations += lanes
            let dx = xs - e[Packed.px], dy = y - e[Packed.py]
            let a = e[Packed.a], b = e[Packed.b], c = e[Packed.c], o = e[Packed.opacity]
            let power = -0.5 * (a * dx * dx + V16(repeating: c * dy * dy)) - (b * dy) * dx
            let gauss = vexp(power)
            let oG = o * gauss
            let alpha = vmin(oG, 0.99)
            let valid = maskBits(VI16(repeating: Int32(k)) .< last) & maskBits(power .<= 0) & maskBits(alpha .>= thr)
            if !anyBits(valid) { continue }
            let oneMinus = 1 - alpha
            t = sel(valid, t / oneMinus, t)
            let w = sel(valid, alpha * t, V16(repeating: 0))
            let slot = tileSlots + k * slotStride
            let ch = e + Packed.channels
            if hasColor {
                slot[Slot.color] += hsum(w * g[0])
                slot[Slot.color + 1] += hsum(w * g[1])
                slot[Slot.color + 2] += hsum(w * g[2])
            }
            if hasFeatures {
                var planes = featurePlanes
                while planes != 0 {
                    let j = planes.trailingZeroBitCount
                    slot[Slot.features + j] += hsum(w * g[3 + j])
                    planes &= planes - 1
                }
                if nf > 64 { for j in 64..<nf { slot[Slot.features + j] += hsum(w * g[3 + j]) } }
            }
            if hasDepth { slot[Slot.depth] += hsum(w * gDepth) }
            if geometry {
                // P = Σ_channels value·upstream; dL/dα = T·P − (suffix − T_final·s)/(1 − α).
                var p = V16(repeating: 0)
                if hasColor { p = ch[0] * g[0] + ch[1] * g[1] + ch[2] * g[2] }
                if featureAlpha { for j in 0..<nf { p += ch[3 + j] * g[3 + j] } }
                if hasDepth { p += e[Packed.depth] * gDepth }
                let dAlpha = t * p - (suffix - sFinal) / oneMinus
                suffix += w * p
                // α = min(0.99, o·G): no gradient through the clamp.
                let live = valid & maskBits(oG .< 0.99)
                let eg = sel(live, dAlpha * gauss, V16(repeating: 0))   // dL/dα · G
                let sumE = hsum(eg), sumEdx = hsum(eg * dx), sumEdx2 = hsum(eg * dx * dx)
                // power = −½(a·dx² + c·dy²) − b·dx·dy, dx = x − px: dG/dpx = G·(a·dx + b·dy).
                slot[Slot.opacity] += sumE
                slot[Slot.px] += o * (a * sumEdx + b * dy * sumE)
                slot[Slot.py] += o * (b * sumEdx + c * dy * sumE)
                slot[Slot.a] += -0.5 * o * sumEdx2
                slot[Slot.b] += -o * dy * sumEdx
                slot[Slot.c] += -0.5 * o * dy * dy * sumE
            }
        }
    }
    return (evaluations, UnsafeBufferPointer(start: tileSlots, count: count * slotStride))
}

/// Adds tile `tile`'s entry slots into their Gaussians' rows of `sums` (stride `slotStride`); a
/// Gaussian's first tile (row-major) starts its row, as 0 + slot, the float sum a zeroed
/// accumulator would give.
func addTileSlots(_ tile: Int, _ slots: UnsafeBufferPointer<Float>, _ ctx: TileContext,
                  _ sums: UnsafeMutablePointer<Float>, slotStride: Int) {
    guard let slots = slots.baseAddress else { return }
    let start = Int(ctx.tileStart[tile]), count = Int(ctx.tileStart[tile + 1]) - start
    for k in 0..<count {
        let i = Int(ctx.entries[start + k])
        let firstTile = Int(ctx.rect[4 * i + 1]) * ctx.tilesX + Int(ctx.rect[4 * i]) == tile
        let sum = sums + i * slotStride, slot = slots + k * slotStride
        if firstTile {
            for j in 0..<slotStride { sum[j] = 0 + slot[j] }
        } else {
            for j in 0..<slotStride { sum[j] += slot[j] }
        }
    }
}
