// SIMD8 helpers for the tile kernels (one AVX2 register per vector; SWIFT-PERFORMANCE.md §2): the
// standard-library versions of select, min, rounding and sums go scalar on baseline x86-64.
typealias V8 = SIMD8<Float>
typealias VI8 = SIMD8<Int32>
typealias VM8 = SIMDMask<VI8>

@inline(__always) func anyBits8(_ v: VI8) -> Bool {
    let q = v.lowHalf | v.highHalf
    let p = q.lowHalf | q.highHalf
    return (p.x | p.y) != 0
}

// In the SIMD8 kernels masks stay `SIMDMask` (.&, .|, .!) and selects are `replacing(with:where:)`:
// with SIMD8 that compiles to vcmpps + vblendvps on ymm (checked with objdump), whereas the bit-select
// through an integer bit cast of a comparison was rebuilt lane by lane (vpinsrb) and split
// the surrounding arithmetic into xmm halves.

/// True when any lane of the mask is set.
@inline(__always) func anyLane8(_ m: VM8) -> Bool { anyBits8(unsafeBitCast(m, to: VI8.self)) }

/// The mask as bits, lane i in bit i.
@inline(__always) func laneBits8(_ m: VM8) -> UInt32 {
    let v = unsafeBitCast(m, to: VI8.self) & VI8(1, 2, 4, 8, 16, 32, 64, 128)
    let q = v.lowHalf | v.highHalf
    let p = q.lowHalf | q.highHalf
    return UInt32(bitPattern: p.x | p.y)
}

/// min(x, hi) lane-wise.
@inline(__always) func vmin8(_ x: V8, _ hi: Float) -> V8 { x.replacing(with: hi, where: x .> hi) }

/// exp(x) for x ≤ 0 (relative error ≤ 3e-6); inputs below −87 give exp(−87): 2^f on [−½, ½] by a
/// degree-4 polynomial in FMAs (fitted to the relative error; degree 6, 1e-7, was measured 2-3 %
/// slower in the tile kernels, and α needs no more than 3e-6: an 8-bit colour step is 4e-3).
/// SplatLift's `vexp` (the objective's softmax) keeps degree 6. One generic `@inlinable` version
/// for both widths in SplatMath was measured and made the forward 10-25 % and the objective's
/// logits 5× slower, so each width keeps its concrete copy.
@inline(__always) func vexp8(_ x: V8) -> V8 {
    let t = x.replacing(with: -87, where: x .< -87) * 1.442695041
    let magic = V8(repeating: 12582912.0)  // 1.5·2²³: round to nearest without roundps
    let r = t + magic, f = t - (r - magic)
    var p = V8(repeating: 9.569992842349651e-3)
    p = V8(repeating: 5.5917541966394646e-2).addingProduct(p, f)
    p = V8(repeating: 2.4024744480835156e-1).addingProduct(p, f)
    p = V8(repeating: 6.931218553865472e-1).addingProduct(p, f)
    p = V8(repeating: 0.9999992626051648).addingProduct(p, f)
    let e = unsafeBitCast(r, to: VI8.self) &- 0x4B40_0000 &+ 127
    return p * unsafeBitCast(e &<< 23, to: V8.self)
}

/// The lane sums of three vectors, [Σa, Σb, Σc, 0], by a transposing add tree (fixed order).
@inline(__always) func hsum3(_ a: V8, _ b: V8, _ c: V8) -> SIMD4<Float> {
    let a4 = a.lowHalf + a.highHalf, b4 = b.lowHalf + b.highHalf, c4 = c.lowHalf + c.highHalf
    let ab = SIMD8(lowHalf: a4, highHalf: b4), cz = SIMD8(lowHalf: c4, highHalf: SIMD4<Float>())
    let s = SIMD8(lowHalf: ab.evenHalf + ab.oddHalf, highHalf: cz.evenHalf + cz.oddHalf)
    return s.evenHalf + s.oddHalf
}

/// Writes the transpose of the 8×8 block whose row r is `rows[r·rowStride ..< +8]` to
/// `columns[c·columnStride ..< +8]` (column c). Three rounds of splitting each pair of vectors
/// into even and odd lanes rotate the 6 bits of an element's index (row, column) by 3: 24
/// shuffles instead of 64 scalar moves.
@inline(__always) func transpose8(_ rows: UnsafePointer<Float>, rowStride: Int,
                                  into columns: UnsafeMutablePointer<Float>, columnStride: Int) {
    var a0 = load8(rows), a1 = load8(rows + rowStride), a2 = load8(rows + 2 * rowStride)
    var a3 = load8(rows + 3 * rowStride), a4 = load8(rows + 4 * rowStride), a5 = load8(rows + 5 * rowStride)
    var a6 = load8(rows + 6 * rowStride), a7 = load8(rows + 7 * rowStride)
    for _ in 0..<3 {
        let p0 = SIMD16(lowHalf: a0, highHalf: a1), p1 = SIMD16(lowHalf: a2, highHalf: a3)
        let p2 = SIMD16(lowHalf: a4, highHalf: a5), p3 = SIMD16(lowHalf: a6, highHalf: a7)
        (a0, a1, a2, a3) = (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf)
        (a4, a5, a6, a7) = (p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
    }
    store8(a0, columns); store8(a1, columns + columnStride); store8(a2, columns + 2 * columnStride)
    store8(a3, columns + 3 * columnStride); store8(a4, columns + 4 * columnStride)
    store8(a5, columns + 5 * columnStride); store8(a6, columns + 6 * columnStride)
    store8(a7, columns + 7 * columnStride)
}

@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> V8 { UnsafeRawPointer(p).loadUnaligned(as: V8.self) }

@inline(__always) private func store8(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
}
