import Dispatch
import SplatMath

/// This machine's two roofs, for `splatlift bench raster`: the Float FMA peak of a register-resident
/// loop on every thread, and the memory bandwidth of streaming passes over buffers much larger than
/// the last-level cache. Lives in SplatRaster so it is compiled with the same flags as the kernels
/// (`-target-cpu haswell`: AVX2 + FMA, where `addingProduct` on SIMD8 is one `vfmadd…ps ymm`).
public enum Roofline {
    /// FLOP/s (an FMA counts 2) of `threads` threads each running 12 independent SIMD8 FMA chains,
    /// the best of `repeats` runs of about `seconds` each.
    public static func fmaPeak(threads: Int, seconds: Double = 0.15, repeats: Int = 3) -> Double {
        let iterations = 2_000_000
        // n kernel calls per thread. The seed differs from call to call: with one seed the call is
        // loop-invariant, the compiler computes it once, and the "peak" grows with the round count.
        func work(_ n: Int) {
            parallelChunks(threads, threads: threads) { c in
                var sink = SIMD8<Float>()
                for r in 0..<n { sink += fmaKernel(iterations, seed: Float(c + 1) + Float(r)) }
                fmaSink(sink)
            }
        }
        var best = 0.0
        for _ in 0..<repeats {
            // Calibrate: double the calls until they take a quarter of `seconds`.
            let start = Stopwatch.now()
            var rounds = 1
            while true {
                work(rounds)
                if Stopwatch.now() - start >= seconds / 4 { break }
                rounds *= 2
            }
            // Time a fixed amount of work now that the clocks are up.
            let t0 = Stopwatch.now()
            work(rounds)
            let t = Stopwatch.now() - t0
            let flops = Double(threads) * Double(rounds) * Double(iterations) * 12 * 8 * 2
            best = max(best, flops / t)
        }
        return best
    }

    /// 12 independent chains of x = x·m + a on SIMD8 lanes: 12·8 FMAs per iteration, no memory.
    @inline(never)
    static func fmaKernel(_ n: Int, seed: Float) -> SIMD8<Float> {
        let m = SIMD8<Float>(repeating: 0.999_999), a = SIMD8<Float>(repeating: 1e-7 * seed)
        var x0 = SIMD8<Float>(repeating: seed), x1 = x0 + 1, x2 = x0 + 2, x3 = x0 + 3
        var x4 = x0 + 4, x5 = x0 + 5, x6 = x0 + 6, x7 = x0 + 7
        var x8 = x0 + 8, x9 = x0 + 9, x10 = x0 + 10, x11 = x0 + 11
        for _ in 0..<n {
            x0 = a.addingProduct(x0, m); x1 = a.addingProduct(x1, m); x2 = a.addingProduct(x2, m)
            x3 = a.addingProduct(x3, m); x4 = a.addingProduct(x4, m); x5 = a.addingProduct(x5, m)
            x6 = a.addingProduct(x6, m); x7 = a.addingProduct(x7, m); x8 = a.addingProduct(x8, m)
            x9 = a.addingProduct(x9, m); x10 = a.addingProduct(x10, m); x11 = a.addingProduct(x11, m)
        }
        return ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11))
    }

    @inline(never) static func fmaSink(_ v: SIMD8<Float>) { if v[0] == -12345 { print(v) } }

    /// Bytes/s of streaming passes on `threads` threads over buffers of `megabytes` MB each (much
    /// larger than the 32 MB L3): `read` sums one buffer; `triad` is a[i] = b[i] + s·c[i] (counted as
    /// 3 arrays moved: 2 read, 1 written; the write-allocate read is not counted, as in STREAM).
    /// Best of `repeats` passes after one warm-up that touches the memory.
    public static func memoryBandwidth(threads: Int, megabytes: Int = 256, repeats: Int = 3)
        -> (read: Double, triad: Double) {
        let n = megabytes * 1_048_576 / 4
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        let pa = SendablePointer(a), pb = SendablePointer(b), pc = SendablePointer(c)
        let chunks = threads * 8
        parallelChunks(chunks, threads: threads) { k in
            for i in chunkRange(k, of: chunks, count: n) { pa.base[i] = 0; pb.base[i] = 1; pc.base[i] = 2 }
        }
        var bestRead = 0.0, bestTriad = 0.0
        for _ in 0...repeats {
            let t0 = Stopwatch.now()
            parallelChunks(chunks, threads: threads) { k in
                fmaSink(streamSum(pb.base, chunkRange(k, of: chunks, count: n)))
            }
            let t1 = Stopwatch.now()
            parallelChunks(chunks, threads: threads) { k in
                streamTriad(pa.base, pb.base, pc.base, 0.5, chunkRange(k, of: chunks, count: n))
            }
            let t2 = Stopwatch.now()
            bestRead = max(bestRead, Double(4 * n) / (t1 - t0))
            bestTriad = max(bestTriad, Double(12 * n) / (t2 - t1))
        }
        return (bestRead, bestTriad)
    }

    @inline(never)
    static func streamSum(_ p: UnsafeMutablePointer<Float>, _ r: Range<Int>) -> SIMD8<Float> {
        var s0 = SIMD8<Float>(), s1 = s0, s2 = s0, s3 = s0
        var i = r.lowerBound
        let raw = UnsafeRawPointer(p)
        while i + 32 <= r.upperBound {
            s0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            s1 += raw.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            s2 += raw.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD8<Float>.self)
            s3 += raw.loadUnaligned(fromByteOffset: 4 * i + 96, as: SIMD8<Float>.self)
            i += 32
        }
        while i < r.upperBound { s0[0] += p[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    @inline(never)
    static func streamTriad(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                            _ c: UnsafeMutablePointer<Float>, _ s: Float, _ r: Range<Int>) {
        for i in r { a[i] = b[i] + s * c[i] }
    }
}

/// The work model of one render + backward, for the roofline report: FLOPs and bytes moved per
/// stage, from the work counters. FLOPs count a multiply, add or FMA half as 1 (an FMA is 2),
/// compares and selects as 0; bytes count each array the stage must read or write once (cache
/// hits are not subtracted), so both are estimates of the work, not measurements.
public struct RasterWorkModel: Sendable {
    public var gaussians: Int, visible: Int, tileEntries: Int, pixels: Int, channels: Int
    public var forwardEvaluations: Int, backwardEvaluations: Int

    public init(gaussians: Int, visible: Int, tileEntries: Int, pixels: Int, channels: Int,
                forwardEvaluations: Int, backwardEvaluations: Int) {
        self.gaussians = gaussians; self.visible = visible; self.tileEntries = tileEntries
        self.pixels = pixels; self.channels = channels
        self.forwardEvaluations = forwardEvaluations; self.backwardEvaluations = backwardEvaluations
    }

    /// Blended channels: RGB + features, plus depth.
    var blended: Int { 3 + channels + 1 }
    /// Per Gaussian-pixel evaluation of the forward: dx and the quadratic form 6, exp 13 (range
    /// reduction 4, degree-4 polynomial as 4 FMAs, scale 1), α 1, T·(1−α) 2, w 1, and one FMA per
    /// blended channel.
    public var forwardFlopsPerEvaluation: Int { 23 + 2 * blended }
    /// Per evaluation of the backward: the forward's 20 up to w, 1/(1−α) and T 2, one FMA per
    /// channel sum, P over RGB 5, dL/dα 4, suffix 2, dL/dα·G and its dx, dx² moments 6.
    public var backwardFlopsPerEvaluation: Int { 39 + 2 * blended }

    /// (FLOPs, bytes) of each stage.
    public var project: (flops: Double, bytes: Double) {
        // ~250 FLOPs (covariance 3D→2D, conic, SH degree 3 in RGB); reads 75 parameters (+ features),
        // writes the record, radius, rectangle and clamp flags.
        (Double(gaussians) * 250, Double(gaussians) * Double(4 * (59 + channels) + 4 * (12 + 3 + channels) + 4 + 16 + 3))
    }
    public var bin: (flops: Double, bytes: Double) {
        // Keys written and sorted (read + write), rectangles read twice, entries written.
        (0, Double(visible) * (8 * 3 + 16 * 2) + Double(tileEntries) * 4)
    }
    public var forward: (flops: Double, bytes: Double) {
        let record = 4 * (12 + 3 + channels)
        return (Double(forwardEvaluations) * Double(forwardFlopsPerEvaluation),
                Double(tileEntries) * Double(record + 4) + Double(pixels) * 4 * Double(blended + 4))
    }
    public var backwardRaster: (flops: Double, bytes: Double) {
        let record = 4 * (12 + 3 + channels), slot = 4 * (10 + channels)
        return (Double(backwardEvaluations) * Double(backwardFlopsPerEvaluation),
                Double(tileEntries) * Double(record + 4 + 2 * slot) + Double(pixels) * 4 * Double(blended + 2)
                    + Double(visible) * Double(slot))
    }
    public var backwardProject: (flops: Double, bytes: Double) {
        // ~500 FLOPs (covariance chain backward, SH gradients); reads parameters and sums, writes gradients.
        (Double(visible) * 500, Double(gaussians) * Double(4 * (59 + channels) * 2 + 4 * (10 + channels)))
    }
}
