/// The vector type of every hot loop in SplatLift: 16 codebook entries (or segments) per lane group.
typealias V16 = SIMD16<Float>
typealias VI16 = SIMD16<Int32>

// Comparisons through `SIMDMask` legalise badly on baseline x86-64 (lane-by-lane shuffles, see
// SWIFT-PERFORMANCE.md), so masks here are plain Int32 vectors built from sign bits.

/// All ones in the lanes where a < b (from the sign of a − b; ties and NaN give 0).
@inline(__always) func lessMask(_ a: V16, _ b: V16) -> VI16 {
    unsafeBitCast(a - b, to: VI16.self) &>> 31
}

/// Bit-select `mask ? a : b` with an all-ones/all-zeros Int32 lane mask.
@inline(__always) func select(_ mask: VI16, _ a: V16, _ b: V16) -> V16 {
    unsafeBitCast((unsafeBitCast(a, to: VI16.self) & mask) | (unsafeBitCast(b, to: VI16.self) & ~mask), to: V16.self)
}

@inline(__always) func selectIndex(_ mask: VI16, _ a: VI16, _ b: VI16) -> VI16 {
    (a & mask) | (b & ~mask)
}

/// Lane-wise e^x for x in [−87, 88] (inputs below −87 are clamped), relative error about 1e-7.
/// The same polynomial as SplatRaster's `vexp8`, kept concrete here: see there why.
@inline(__always) func vexp(_ x: V16) -> V16 {
    let low = V16(repeating: -87)
    let clamped = select(lessMask(x, low), low, x)
    let t = clamped * 1.442695041
    let magic = V16(repeating: 12_582_912.0)             // 1.5·2²³: rounds t to the nearest integer
    let r = t + magic
    let f = t - (r - magic)                               // f in [−0.5, 0.5]
    var p = V16(repeating: 1.535336188319500e-4)
    p = V16(repeating: 1.339887440266574e-3).addingProduct(p, f)
    p = V16(repeating: 9.618437357674640e-3).addingProduct(p, f)
    p = V16(repeating: 5.550332471162809e-2).addingProduct(p, f)
    p = V16(repeating: 2.402264791363012e-1).addingProduct(p, f)
    p = V16(repeating: 6.931472028550421e-1).addingProduct(p, f)
    p = V16(repeating: 1.0).addingProduct(p, f)
    let e = unsafeBitCast(r, to: VI16.self) &- 0x4B40_0000 &+ 127
    return p * unsafeBitCast(e &<< 23, to: V16.self)
}

/// Sum of the 16 lanes, folded pairwise (a fixed order, so results are reproducible).
@inline(__always) func horizontalSum(_ v: V16) -> Float {
    let h8 = v.lowHalf + v.highHalf
    let h4 = h8.lowHalf + h8.highHalf
    let h2 = h4.lowHalf + h4.highHalf
    return h2.x + h2.y
}

/// 1.0 in the first `count` lanes, 0 elsewhere: masks the padding of the last vector.
func laneMask(valid count: Int) -> V16 {
    var m = V16(repeating: 0)
    for lane in 0..<min(max(count, 0), 16) { m[lane] = 1 }
    return m
}

/// All ones in the first `count` lanes, 0 elsewhere.
func laneBits(valid count: Int) -> VI16 {
    var m = VI16(repeating: 0)
    for lane in 0..<min(max(count, 0), 16) { m[lane] = -1 }
    return m
}

/// The number of fixed chunks used for `count` items: about 2,048 items per chunk, at most 16.
func chunkCount(for count: Int) -> Int { max(1, min(16, count / 2048)) }

// Row kernels over `count` floats (feature rows, d = 16 by default): 16 lanes at a time through
// unaligned SIMD16 loads, the rest one by one. A loop over a run-time count alone compiles to
// 4-lane code here.

@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> V16 {
    UnsafeRawPointer(p).loadUnaligned(as: V16.self)
}

@inline(__always) private func store16(_ v: V16, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V16.self)
}

/// out[j] += c·x[j].
@inline(__always) func addScaledRow(_ c: Float, _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j &+ 16 <= count {
        store16(load16(out + j).addingProduct(V16(repeating: c), load16(x + j)), out + j)
        j &+= 16
    }
    while j < count { out[j] += c * x[j]; j &+= 1 }
}

/// Σ_j x[j]·y[j] (16 lanes summed pairwise, then the rest in order).
@inline(__always) func dotRow(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    var acc = V16(repeating: 0)
    var j = 0
    while j &+ 16 <= count {
        acc = acc.addingProduct(load16(x + j), load16(y + j))
        j &+= 16
    }
    var sum = horizontalSum(acc)
    while j < count { sum += x[j] * y[j]; j &+= 1 }
    return sum
}

/// Σ_j (x[j] − y[j])².
@inline(__always) func squaredDistanceRow(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    var acc = V16(repeating: 0)
    var j = 0
    while j &+ 16 <= count {
        let diff = load16(x + j) - load16(y + j)
        acc = acc.addingProduct(diff, diff)
        j &+= 16
    }
    var sum = horizontalSum(acc)
    while j < count { let diff = x[j] - y[j]; sum += diff * diff; j &+= 1 }
    return sum
}

/// out[j] = a·(out[j] − b·x[j]).
@inline(__always) func scaleRowMinusScaled(_ a: Float, _ b: Float, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j &+ 16 <= count {
        store16(V16(repeating: a) * (load16(out + j) - V16(repeating: b) * load16(x + j)), out + j)
        j &+= 16
    }
    while j < count { out[j] = a * (out[j] - b * x[j]); j &+= 1 }
}
