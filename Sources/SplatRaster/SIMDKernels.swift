// Hand-vectorised SIMD16 helpers (SWIFT-PERFORMANCE.md §2): the standard-library versions of
// select, min, rounding and sums go scalar on baseline x86-64.

typealias V16 = SIMD16<Float>
typealias VI16 = SIMD16<Int32>
typealias VM16 = SIMDMask<VI16>

/// m ? a : b, lane-wise, through integer bit-select.
@inline(__always) func sel(_ m: VM16, _ a: V16, _ b: V16) -> V16 {
    let mi = unsafeBitCast(m, to: VI16.self)
    return unsafeBitCast((unsafeBitCast(a, to: VI16.self) & mi) | (unsafeBitCast(b, to: VI16.self) & ~mi), to: V16.self)
}

/// m ? a : b for integer lanes.
@inline(__always) func seli(_ m: VM16, _ a: VI16, _ b: VI16) -> VI16 {
    let mi = unsafeBitCast(m, to: VI16.self)
    return (a & mi) | (b & ~mi)
}

/// min(x, hi) lane-wise.
@inline(__always) func vmin(_ x: V16, _ hi: Float) -> V16 { sel(x .> hi, V16(repeating: hi), x) }

/// Folds 16 lanes to 4 partial sums (fixed order, so results are reproducible).
@inline(__always) func fold4(_ v: V16) -> SIMD4<Float> {
    let h = v.lowHalf + v.highHalf
    return h.lowHalf + h.highHalf
}

/// Sum of 16 lanes in a fixed order.
@inline(__always) func hsum(_ v: V16) -> Float {
    let q = fold4(v)
    let p = q.lowHalf + q.highHalf
    return p.x + p.y
}

/// True when any lane of the mask is set.
@inline(__always) func anyLane(_ m: VM16) -> Bool {
    let v = unsafeBitCast(m, to: VI16.self)
    let h = v.lowHalf | v.highHalf
    let q = h.lowHalf | h.highHalf
    let p = q.lowHalf | q.highHalf
    return (p.x | p.y) != 0
}

/// exp(x) for x ≤ 0 (relative error ~1e-7); inputs below −87 give exp(−87).
@inline(__always) func vexp(_ x: V16) -> V16 {
    let t = sel(x .< -87, V16(repeating: -87), x) * 1.442695041
    let magic = V16(repeating: 12582912.0)  // 1.5·2²³: round to nearest without roundps
    let r = t + magic, f = t - (r - magic)
    var p = V16(repeating: 1.535336188319500e-4)
    p = p * f + 1.339887440266574e-3; p = p * f + 9.618437357674640e-3
    p = p * f + 5.550332471162809e-2; p = p * f + 2.402264791363012e-1
    p = p * f + 6.931472028550421e-1; p = p * f + 1.0
    let e = unsafeBitCast(r, to: VI16.self) &- 0x4B40_0000 &+ 127
    return p * unsafeBitCast(e &<< 23, to: V16.self)
}

/// The lane sums of three vectors, [Σa, Σb, Σc, 0], by a transposing add tree (fixed order).
@inline(__always) func hsum3(_ a: V8, _ b: V8, _ c: V8) -> SIMD4<Float> {
    let a4 = a.lowHalf + a.highHalf, b4 = b.lowHalf + b.highHalf, c4 = c.lowHalf + c.highHalf
    let ab = SIMD8(lowHalf: a4, highHalf: b4), cz = SIMD8(lowHalf: c4, highHalf: SIMD4<Float>())
    let s = SIMD8(lowHalf: ab.evenHalf + ab.oddHalf, highHalf: cz.evenHalf + cz.oddHalf)
    return s.evenHalf + s.oddHalf
}

// SIMD8 versions (one AVX2 register per vector) of the helpers above, for the tile kernels.

typealias V8 = SIMD8<Float>
typealias VI8 = SIMD8<Int32>
typealias VM8 = SIMDMask<VI8>

@inline(__always) func maskBits8(_ m: VM8) -> VI8 { unsafeBitCast(m, to: VI8.self) }

/// m ? a : b lane-wise, m all-ones or zero per lane.
@inline(__always) func sel8(_ m: VI8, _ a: V8, _ b: V8) -> V8 {
    unsafeBitCast((unsafeBitCast(a, to: VI8.self) & m) | (unsafeBitCast(b, to: VI8.self) & ~m), to: V8.self)
}

@inline(__always) func anyBits8(_ v: VI8) -> Bool {
    let q = v.lowHalf | v.highHalf
    let p = q.lowHalf | q.highHalf
    return (p.x | p.y) != 0
}

// In the SIMD8 kernels masks stay `SIMDMask` (.&, .|, .!) and selects are `replacing(with:where:)`:
// with SIMD8 that compiles to vcmpps + vblendvps on ymm (checked with objdump), whereas the bit-select
// through an integer bit cast (`sel8`) of a comparison was rebuilt lane by lane (vpinsrb) and split
// the surrounding arithmetic into xmm halves.

/// True when any lane of the mask is set.
@inline(__always) func anyLane8(_ m: VM8) -> Bool { anyBits8(unsafeBitCast(m, to: VI8.self)) }

/// min(x, hi) lane-wise.
@inline(__always) func vmin8(_ x: V8, _ hi: Float) -> V8 { x.replacing(with: hi, where: x .> hi) }

/// exp(x) for x ≤ 0 (relative error ~1e-7); inputs below −87 give exp(−87). The polynomial in FMAs.
@inline(__always) func vexp8(_ x: V8) -> V8 {
    let t = x.replacing(with: -87, where: x .< -87) * 1.442695041
    let magic = V8(repeating: 12582912.0)  // 1.5·2²³: round to nearest without roundps
    let r = t + magic, f = t - (r - magic)
    var p = V8(repeating: 1.535336188319500e-4)
    p = V8(repeating: 1.339887440266574e-3).addingProduct(p, f)
    p = V8(repeating: 9.618437357674640e-3).addingProduct(p, f)
    p = V8(repeating: 5.550332471162809e-2).addingProduct(p, f)
    p = V8(repeating: 2.402264791363012e-1).addingProduct(p, f)
    p = V8(repeating: 6.931472028550421e-1).addingProduct(p, f)
    p = V8(repeating: 1.0).addingProduct(p, f)
    let e = unsafeBitCast(r, to: VI8.self) &- 0x4B40_0000 &+ 127
    return p * unsafeBitCast(e &<< 23, to: V8.self)
}
