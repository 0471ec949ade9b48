import Foundation

/// Layout of one packed tile entry: geometry, the tight α ≥ threshold row extent, then channels.
enum Packed {
    static let px = 0, py = 1, a = 2, b = 3, c = 4, opacity = 5, depth = 6, rowLow = 7, rowHigh = 8
    static let channels = 9
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
    var px, py, conicA, conicB, conicC, opacity, depth, colors: UnsafeMutablePointer<Float>
    var features: UnsafePointer<Float>
}

extension TileContext {
    /// Copies tile `tile`'s entries into `out` (stride `Packed.channels + channels`) and returns
    /// their number. Rows outside an entry's α ≥ threshold ellipse are marked so the kernels skip
    /// them (with a margin, so no contributing pixel is ever skipped).
    @inline(__always)
    func pack(tile: Int, into out: UnsafeMutablePointer<Float>) -> Int {
        let start = Int(tileStart[tile]), end = Int(tileStart[tile + 1])
        let stride = Packed.channels + channels
        let colX0 = Float((tile % tilesX) * tileSize), colX1 = colX0 + Float(tileSize - 1)
        for k in 0..<(end - start) {
            let i = Int(entries[start + k])
            let e = out + k * stride
            let a = conicA[i], b = conicB[i], c = conicC[i], o = opacity[i]
            let x = px[i], y = py[i]
            e[Packed.px] = x; e[Packed.py] = y
            e[Packed.a] = a; e[Packed.b] = b; e[Packed.c] = c
            e[Packed.opacity] = o; e[Packed.depth] = depth[i]
            var low = -Float.infinity, high = Float.infinity
            if alphaThreshold > 0 {
                // o·exp(−½ dᵀQd) ≥ thr ⇔ dᵀQd ≤ 2·ln(o/thr); extents √(2L·Σyy), √(2L·Σxx), Σ = Q⁻¹.
                let l = Foundation.log(o / alphaThreshold)
                let det = a * c - b * b
                if l > 0 && det > 0 {
                    let hy = (2 * l * a / det).squareRoot() * 1.001 + 0.01
                    let hx = (2 * l * c / det).squareRoot() * 1.001 + 0.01
                    if x + hx >= colX0 && x - hx <= colX1 { low = y - hy; high = y + hy } else { low = .infinity }
                } else {
                    low = .infinity
                }
            }
            e[Packed.rowLow] = low; e[Packed.rowHigh] = high
            let ch = e + Packed.channels
            ch[0] = colors[3 * i]; ch[1] = colors[3 * i + 1]; ch[2] = colors[3 * i + 2]
            if channels > 3 {
                let f = features + i * featureCount
                for j in 0..<featureCount { ch[3 + j] = f[j] }
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
func forwardTile(_ tile: Int, _ ctx: TileContext, _ px: PixelBuffers, _ scratch: TileScratch) {
    let count = Int(ctx.tileStart[tile + 1] - ctx.tileStart[tile])
    let stride = Packed.channels + ctx.channels
    let packed = scratch.entries.ensure(max(count * stride, 1))
    let acc = scratch.vectors.ensure(ctx.channels + 1)
    let n = ctx.pack(tile: tile, into: packed)
    let x0 = (tile % ctx.tilesX) * tileSize, y0 = (tile / ctx.tilesX) * tileSize
    let lanes = min(tileSize, ctx.width - x0), rows = min(tileSize, ctx.height - y0)
    let xs = laneIndex + Float(x0)
    let outside = maskBits(laneIndexI .>= Int32(lanes))
    let hw = ctx.width * ctx.height
    let thr = ctx.alphaThreshold
    let nch = ctx.channels
    for r in 0..<rows {
        let y = Float(y0 + r)
        var t = V16(repeating: 1)
        var done = outside
        var last = VI16(repeating: 0), contributors = VI16(repeating: 0)
        for ch in 0...nch { acc[ch] = V16(repeating: 0) }
        for k in 0..<n {
            let e = packed + k * stride
            if y < e[Packed.rowLow] || y > e[Packed.rowHigh] { continue }
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

/// Back-to-front replay of one tile (3DGS renderCUDA backward), writing the tile's gradient slots
/// (stride `Slot.features + featureCount`).
func backwardTile(_ tile: Int, _ ctx: TileContext, _ px: PixelBuffers, _ up: UpstreamPlanes,
                  _ slots: UnsafeMutablePointer<Float>, _ scratch: TileScratch) {
    let start = Int(ctx.tileStart[tile]), count = Int(ctx.tileStart[tile + 1]) - start
    let slotStride = Slot.features + ctx.featureCount
    let tileSlots = slots + start * slotStride
    for j in 0..<(count * slotStride) { tileSlots[j] = 0 }
    if count == 0 { return }
    let stride = Packed.channels + ctx.channels
    let packed = scratch.entries.ensure(count * stride)
    let nch = ctx.channels, nf = ctx.featureCount
    // Row vectors: colour upstream 0..<3, features 3..<3+nf.
    let g = scratch.vectors.ensure(nch)
    _ = ctx.pack(tile: tile, into: packed)
    let x0 = (tile % ctx.tilesX) * tileSize, y0 = (tile / ctx.tilesX) * tileSize
    let lanes = min(tileSize, ctx.width - x0), rows = min(tileSize, ctx.height - y0)
    let xs = laneIndex + Float(x0)
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
    for r in 0..<rows {
        let rowStart = (y0 + r) * ctx.width + x0
        let last = loadI(px.last, rowStart)
        var lastMax: Int32 = 0
        for l in 0..<lanes { lastMax = max(lastMax, last[l]) }
        if lastMax == 0 { continue }
        let y = Float(y0 + r)
        let tFinal = load(px.finalT, rowStart)
        if let c = up.color { for j in 0..<3 { g[j] = load(c + j * hw, rowStart) } }
        if hasFeatures, let f = up.features { for j in 0..<nf { g[3 + j] = load(f + j * hw, rowStart) } }
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
            let e = packed + k * stride
            if y < e[Packed.rowLow] || y > e[Packed.rowHigh] { continue }
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
            if hasFeatures { for j in 0..<nf { slot[Slot.features + j] += hsum(w * g[3 + j]) } }
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
}
