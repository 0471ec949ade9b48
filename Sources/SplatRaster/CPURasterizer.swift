import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import SplatMath

/// Milliseconds spent in each stage of the latest render/backward: wall-clock, and CPU time of
/// the whole process (all threads; a fair measure of work when other jobs load the machine).
public struct RasterTimings: Sendable, Equatable {
    public var project = 0.0, bin = 0.0, forward = 0.0
    /// Tile backward (per-entry gradients, added into per-Gaussian sums).
    public var backwardRaster = 0.0
    /// Projection backward of the per-Gaussian sums.
    public var backwardProject = 0.0
    public var backward: Double { backwardRaster + backwardProject }
    public var cpuProject = 0.0, cpuBin = 0.0, cpuForward = 0.0, cpuBackwardRaster = 0.0, cpuBackwardProject = 0.0
    public init() {}
}

/// Work counters of the latest render, for throughput figures.
public struct RasterStats: Sendable, Equatable {
    /// Gaussians that survived culling.
    public var visible = 0
    /// (tile, Gaussian) pairs after binning.
    public var tileEntries = 0
    /// Gaussian-pixel evaluations of the forward: for every image row segment of a tile, the
    /// pixels of the segment times the tile entries evaluated on it (entries whose α ≥ threshold
    /// ellipse misses the row, and those behind a row's last contributor in the backward, are
    /// skipped and not counted).
    public var forwardEvaluations = 0
    /// The same count for the backward pass.
    public var backwardEvaluations = 0
    public init() {}
}

/// The CPU rasterizer: 3DGS semantics, SIMD16 tile kernels, deterministic for any thread count.
/// Keeps scratch buffers between calls; `backward` works on the state of the latest `render`.
public final class CPURasterizer: RasterBackend {
    /// Stage times of the latest calls.
    public private(set) var lastTimings = RasterTimings()
    public private(set) var lastStats = RasterStats()

    private let state = ProjectionState()
    private let bins = TileBins()
    private let pool = ScratchPool { TileScratch() }
    private let blockPool = ScratchPool { GradientRows() }
    private let finalT = ScratchBuffer<Float>(fill: 0)
    private let last = ScratchBuffer<Int32>(fill: 0)
    /// Per-Gaussian sums of the entries' screen-space gradients (stride `Slot.features` + features).
    private let sums = ScratchBuffer<Float>(fill: 0)
    private let orderedSums = OrderedTileSums()
    private let segmentLists = SegmentListStore()
    private let tileWork = ScratchBuffer<Int>(fill: 0)
    private var color: [Float] = [], features: [Float] = [], depth: [Float] = [], alpha: [Float] = []
    private var contributors: [Int32] = [], radii: [Float] = []
    // What the latest render used.
    private var view: ViewConstants?
    private var options = RenderOptions()
    private var shDegree = 0
    private var renderedFeatures = 0
    /// Whether the latest backward had a feature upstream.
    private var backwardFeatures = false

    public init() {}

    public func render(_ gaussians: GaussianParams, camera: PinholeCamera, options: RenderOptions) -> RenderOutput {
        let view = ViewConstants(camera)
        self.view = view
        self.options = options
        let n = gaussians.count
        let threads = options.threads
        shDegree = max(0, min(3, min(options.activeSHDegree, gaussians.shDegree)))
        renderedFeatures = options.renderFeatures ? gaussians.featureCount : 0

        var clock = Stopwatch()
        state.ensure(n, channels: 3 + renderedFeatures)
        let s = state, degree = shDegree, threshold = options.alphaThreshold
        withPointers(gaussians) { p in
            let chunks = chunkCount(n, threads)
            parallelChunks(chunks, threads: threads) { c in
                Projection.forward(p, view: view, shDegree: degree, alphaThreshold: threshold, state: s,
                                   range: chunkRange(c, of: chunks, count: n))
            }
        }
        lastTimings = RasterTimings()
        (lastTimings.project, lastTimings.cpuProject) = clock.lapWallAndCPU()
        bins.bin(state, view: view, threads: threads)
        (lastTimings.bin, lastTimings.cpuBin) = clock.lapWallAndCPU()

        let hw = view.width * view.height
        resize(&color, 3 * hw); resize(&features, renderedFeatures * hw)
        resize(&depth, hw); resize(&alpha, hw); resize(&contributors, hw); resize(&radii, n)
        finalT.reserve(hw); last.reserve(hw)
        withPixelBuffers { px in
            let ctx = tileContext()
            let pool = self.pool
            let work = SendablePointer(tileWork.reserve(bins.tileCount))
            segmentLists.reset(tileCount: bins.tileCount)
            parallelChunks(bins.tileCount, threads: threads) { tile in
                let scratch = pool.take()
                work.base[tile] = forwardTile(tile, ctx, px, scratch)
                pool.give(scratch)
            }
        }
        radii.withUnsafeMutableBufferPointer { r in
            for i in 0..<n { r[i] = state.radius.pointer[i] }
        }
        (lastTimings.forward, lastTimings.cpuForward) = clock.lapWallAndCPU()
        var stats = RasterStats()
        stats.tileEntries = bins.entryCount
        for t in 0..<bins.tileCount { stats.forwardEvaluations += tileWork.pointer[t] }
        for i in 0..<n where state.radius.pointer[i] > 0 { stats.visible += 1 }
        lastStats = stats
        return RenderOutput(width: view.width, height: view.height, color: color, features: features,
                            depth: depth, alpha: alpha, contributors: contributors, radii: radii)
    }

    public func backward(_ gaussians: GaussianParams, upstream: RenderUpstream) {
        backwardFeatures = false
        guard let view else { return }
        let hw = view.width * view.height
        let threads = options.threads
        var clock = Stopwatch()
        let slotStride = Slot.features + renderedFeatures
        let sumsPtr = SendablePointer(sums.reserve(max(state.count * slotStride, 1)))
        sumsPtr.base.update(repeating: 0, count: state.count * slotStride)
        let ordered = orderedSums
        ordered.reset()
        withOptionalPointer(upstream.color, 3 * hw) { gc in
        withOptionalPointer(renderedFeatures > 0 ? upstream.features : nil, renderedFeatures * hw) { gf in
        withOptionalPointer(upstream.depth, hw) { gd in
        withOptionalPointer(upstream.alpha, hw) { ga in
        withPixelBuffers { px in
            let ctx = tileContext()
            let up = UpstreamPlanes(color: gc, features: gf, depth: gd, alpha: ga,
                                    featuresReachGeometry: options.featureGradientsReachGeometry)
            let pool = self.pool
            let work = SendablePointer(tileWork.reserve(bins.tileCount))
            parallelChunks(bins.tileCount, threads: threads) { tile in
                let scratch = pool.take()
                let result = backwardTile(tile, ctx, px, up, scratch)
                work.base[tile] = result.evaluations
                ordered.finish(tile, slots: result.slots) { t, slots in
                    addTileSlots(t, slots, ctx, sumsPtr.base, slotStride: slotStride)
                }
                pool.give(scratch)
            }
        }}}}}
        (lastTimings.backwardRaster, lastTimings.cpuBackwardRaster) = clock.lapWallAndCPU()
        (lastTimings.backwardProject, lastTimings.cpuBackwardProject) = (0, 0)
        lastStats.backwardEvaluations = 0
        for t in 0..<bins.tileCount { lastStats.backwardEvaluations += tileWork.pointer[t] }
        backwardFeatures = upstream.features != nil && renderedFeatures > 0
    }

    public func gradients(_ gaussians: GaussianParams, rows: Range<Int>, into gradients: inout GaussianGradients) {
        let nf = gaussians.featureCount
        if gradients.opacityLogits.count != rows.count || gradients.features.count != nf * rows.count {
            gradients = GaussianGradients(count: rows.count, featureCount: nf)
        }
        let pass = gradientPass(gaussians, rows: rows)
        var clock = Stopwatch()
        withPointers(gaussians) { p in
            withPointers(&gradients) { o in
                let chunks = chunkCount(rows.count, options.threads)
                parallelChunks(chunks, threads: options.threads) { c in
                    let part = chunkRange(c, of: chunks, count: rows.count)
                    pass.run((rows.lowerBound + part.lowerBound)..<(rows.lowerBound + part.upperBound), p,
                             o.advanced(byRows: part.lowerBound, featureCount: nf))
                }
            }
        }
        (lastTimings.backwardProject, lastTimings.cpuBackwardProject) = clock.lapWallAndCPU()
    }

    public func updateWithGradients(_ gaussians: inout GaussianParams, blockRows: Int,
                                    _ update: @Sendable (GradientBlock, GaussianArrays) -> Void) {
        let n = gaussians.count, nf = gaussians.featureCount
        let pass = gradientPass(gaussians, rows: 0..<n)
        let blocks = (n + blockRows - 1) / blockRows
        var seconds = [Double](repeating: 0, count: 2 * blocks)   // per block: gradients, update
        var clock = Stopwatch()
        let pool = blockPool
        gaussians.withArrays { params in
            seconds.withUnsafeMutableBufferPointer { times in
                let times = SendablePointer(times.baseAddress!)
                parallelChunks(blocks, threads: options.threads) { b in
                    let rows = (b * blockRows)..<min(n, (b + 1) * blockRows)
                    let scratch = pool.take()
                    let start = DispatchTime.now().uptimeNanoseconds
                    let (g, norms) = scratch.arrays(rows: rows.count, featureCount: nf)
                    pass.run(rows, ParamPointers(params), GradPointers(g, screenMeanGradNorm: norms))
                    let computed = DispatchTime.now().uptimeNanoseconds
                    times.base[2 * b] = Double(computed - start) * 1e-9
                    update(GradientBlock(rows: rows, gradients: g, screenMeanGradNorm: norms, seconds: times.base[2 * b]),
                           params)
                    times.base[2 * b + 1] = Double(DispatchTime.now().uptimeNanoseconds - computed) * 1e-9
                    pool.give(scratch)
                }
            }
        }
        // The gradients' share of the pass, in proportion to the thread time spent on them.
        let (wall, cpu) = clock.lapWallAndCPU()
        var gradientTime = 0.0, total = 0.0
        for b in 0..<blocks { gradientTime += seconds[2 * b]; total += seconds[2 * b] + seconds[2 * b + 1] }
        let share = total > 0 ? gradientTime / total : 1
        (lastTimings.backwardProject, lastTimings.cpuBackwardProject) = (wall * share, cpu * share)
    }

    /// What the gradients of Gaussians `rows` of `gaussians` need from the latest render and backward.
    private func gradientPass(_ gaussians: GaussianParams, rows: Range<Int>) -> GradientPass {
        precondition(view == nil || (state.count == gaussians.count && rows.upperBound <= gaussians.count),
                     "gradients of other Gaussians than the latest render's")
        return GradientPass(state: state, view: view, shDegree: shDegree, featureCount: gaussians.featureCount,
                            featureSlots: renderedFeatures, needFeatures: backwardFeatures, sums: sums.pointer)
    }

    /// The latest render's output planes and per-pixel state as raw pointers for the tile kernels.
    private func withPixelBuffers(_ body: (PixelBuffers) -> Void) {
        color.withUnsafeMutableBufferPointer { col in
        features.withUnsafeMutableBufferPointer { fea in
        depth.withUnsafeMutableBufferPointer { dep in
        alpha.withUnsafeMutableBufferPointer { alp in
        contributors.withUnsafeMutableBufferPointer { con in
            body(PixelBuffers(color: col.baseAddress!, features: fea.baseAddress ?? col.baseAddress!,
                              depth: dep.baseAddress!, alpha: alp.baseAddress!, finalT: finalT.pointer,
                              contributors: con.baseAddress!, last: last.pointer))
        }}}}}
    }

    private func tileContext() -> TileContext {
        TileContext(width: view!.width, height: view!.height, tilesX: bins.tilesX,
                    channels: 3 + renderedFeatures, featureCount: renderedFeatures,
                    alphaThreshold: options.alphaThreshold, background: options.background,
                    tileStart: bins.tileStart.pointer, entries: bins.entries.pointer, records: state.records.pointer,
                    segmentLists: segmentLists)
    }
}

/// The per-Gaussian end of the backward: each Gaussian's summed screen-space gradient through the
/// projection to its parameters (`ProjectionBackward`, 8 Gaussians at a time). Without a render
/// every gradient is zero.
private struct GradientPass: @unchecked Sendable {
    let state: ProjectionState
    let view: ViewConstants?
    let shDegree: Int, featureCount: Int, featureSlots: Int
    let needFeatures: Bool
    let sums: UnsafeMutablePointer<Float>

    /// Gradients of Gaussians `rows` into rows 0..<rows.count of `o`.
    func run(_ rows: Range<Int>, _ p: ParamPointers, _ o: GradPointers) {
        let slotStride = Slot.features + featureSlots
        let projection = view.map {
            ProjectionBackward(view: $0, shDegree: shDegree, state: state, sums: sums, slotStride: slotStride)
        }
        var r = 0
        while r < rows.count {
            let lanes = min(8, rows.count - r), first = rows.lowerBound + r
            var visible: UInt32 = 0
            if projection != nil {
                for l in 0..<lanes where state.radius.pointer[first + l] > 0 { visible |= 1 << l }
            }
            if let projection, visible != 0 { projection.run(first: first, lanes: lanes, visible: visible, p, o, row: r) }
            for l in 0..<lanes {
                if visible & (1 << l) != 0 { copyFeatures(first + l, into: r + l, o, slotStride: slotStride) } else { zero(r + l, o) }
            }
            r += lanes
        }
    }

    private func copyFeatures(_ i: Int, into r: Int, _ o: GradPointers, slotStride: Int) {
        let sum = sums + i * slotStride, fg = o.features + r * featureCount
        for j in 0..<featureCount { fg[j] = 0 }
        if needFeatures {
            for j in 0..<min(featureCount, featureSlots) { fg[j] = sum[Slot.features + j] }
        }
    }

    private func zero(_ r: Int, _ o: GradPointers) {
        for j in 0..<3 { o.means[3 * r + j] = 0; o.logScales[3 * r + j] = 0 }
        for j in 0..<4 { o.rotations[4 * r + j] = 0 }
        for j in 0..<48 { o.sh[48 * r + j] = 0 }
        for j in 0..<featureCount { o.features[featureCount * r + j] = 0 }
        o.opacityLogits[r] = 0
        o.screenMeanGradNorm[r] = 0
    }
}

/// Splits n items into chunks for parallel loops (one chunk when running on one thread).
func chunkCount(_ n: Int, _ threads: Int) -> Int { threads == 1 ? 1 : max(1, min(64, n / 256)) }

private func resize<T: Numeric>(_ a: inout [T], _ n: Int) {
    if a.count != n { a = [T](repeating: 0, count: n) }
}

/// Passes the array's base address (nil when the array is nil); sizes must match the render.
private func withOptionalPointer<R>(_ a: [Float]?, _ count: Int, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let a else { return body(nil) }
    precondition(a.count == count, "upstream gradient has \(a.count) values, the render has \(count)")
    return a.withUnsafeBufferPointer { body($0.baseAddress) }
}
