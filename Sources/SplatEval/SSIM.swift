import Foundation
import SplatMath

/// Structural similarity as 3DGS computes it (METHOD.md §4.4): 11×11 Gaussian window with
/// σ = 1.5, C1 = 0.01², C2 = 0.03², zero padding, averaged over every pixel of every channel.
public enum SSIM {
    public static let windowRadius = 5
    public static let sigma = 1.5
    public static let c1 = 0.01 * 0.01
    public static let c2 = 0.03 * 0.03

    /// The normalised 1-D Gaussian window (11 taps); the 2-D window is its outer product.
    public static let window1D: [Double] = {
        let taps = (-windowRadius...windowRadius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = taps.reduce(0, +)
        return taps.map { $0 / total }
    }()

    /// Mean SSIM of two planar images (channels·H·W) with the fast separable Float kernel.
    public static func value(_ x: [Float], _ y: [Float], channels: Int, width: Int, height: Int) -> Double {
        var workspace = SSIMWorkspace(channels: channels, width: width, height: height)
        return workspace.value(x, y)
    }

    /// Slow, obviously correct reference: direct 2-D window sums in Double. For tests.
    public static func referenceValue(_ x: [Double], _ y: [Double], channels: Int, width: Int, height: Int) -> Double {
        let r = windowRadius, g = window1D
        var total = 0.0
        for c in 0..<channels {
            let base = c * width * height
            for py in 0..<height {
                for px in 0..<width {
                    var mx = 0.0, my = 0.0, exx = 0.0, eyy = 0.0, exy = 0.0
                    for dy in -r...r {
                        let qy = py + dy
                        if qy < 0 || qy >= height { continue }
                        for dx in -r...r {
                            let qx = px + dx
                            if qx < 0 || qx >= width { continue }
                            let w = g[dy + r] * g[dx + r]
                            let a = x[base + qy * width + qx], b = y[base + qy * width + qx]
                            mx += w * a; my += w * b
                            exx += w * a * a; eyy += w * b * b; exy += w * a * b
                        }
                    }
                    let vx = exx - mx * mx, vy = eyy - my * my, cxy = exy - mx * my
                    total += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
                }
            }
        }
        return total / Double(channels * width * height)
    }
}

/// Reusable buffers for the fast SSIM and its analytic gradient, for one image size. The work is
/// split into independent jobs (one blur of one signal of one channel; one band of rows), each
/// computed in a fixed order, so results are bit-identical for any thread count.
public struct SSIMWorkspace: Sendable {
    public let channels: Int
    public let width: Int
    public let height: Int
    /// 0 = all cores, 1 = the calling thread only.
    public var threads: Int = 0
    private var planes: [Float]
    private var bandSums: [Double]
    private let taps: [Float]
    private let bands: Int

    public init(channels: Int, width: Int, height: Int) {
        self.channels = channels; self.width = width; self.height = height
        planes = [Float](repeating: 0, count: SSIMJobs.planesPerChannel * width * height)
        bands = max(1, min(height, 8))
        bandSums = [Double](repeating: 0, count: channels * bands)
        taps = SSIM.window1D.map { Float($0) }
    }

    /// Mean SSIM of `x` against `y` (planar channels·H·W).
    public mutating func value(_ x: [Float], _ y: [Float]) -> Double {
        var unused = [Float]()
        return run(x, y, gradient: &unused, wantGradient: false)
    }

    /// Mean SSIM, and d(mean SSIM)/dx written into `gradient` (resized to channels·H·W).
    public mutating func valueAndGradient(_ x: [Float], _ y: [Float], gradient: inout [Float]) -> Double {
        let n = channels * width * height
        if gradient.count != n { gradient = [Float](repeating: 0, count: n) }
        return run(x, y, gradient: &gradient, wantGradient: true)
    }

    private mutating func run(_ x: [Float], _ y: [Float], gradient: inout [Float], wantGradient: Bool) -> Double {
        let hw = width * height
        precondition(x.count == channels * hw && y.count == channels * hw, "SSIM: image size mismatch")
        let (w, h, channelCount, bandCount, threadCount) = (width, height, channels, bands, threads)
        let scale = Float(1.0 / Double(channelCount * hw))
        func each(_ count: Int, _ body: @Sendable (Int) -> Void) { parallelChunks(count, threads: threadCount, body) }
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                planes.withUnsafeMutableBufferPointer { pb in
                    bandSums.withUnsafeMutableBufferPointer { sb in
                        taps.withUnsafeBufferPointer { tb in
                            gradient.withUnsafeMutableBufferPointer { gb in
                                let jobs = SSIMJobs(x: xb.baseAddress!, y: yb.baseAddress!, planes: pb.baseAddress!,
                                                    sums: sb.baseAddress!, taps: tb.baseAddress!,
                                                    gradient: wantGradient ? gb.baseAddress : nil,
                                                    width: w, height: h, bands: bandCount, scale: scale)
                                // One channel at a time: the planes hold one channel's signals.
                                for c in 0..<channelCount {
                                    each(5) { jobs.forwardBlur(c * 5 + $0) }
                                    each(bandCount) { jobs.pixels(c * bandCount + $0) }
                                    if wantGradient {
                                        each(3) { jobs.backwardBlur(c * 3 + $0) }
                                        each(bandCount) { jobs.combine(c * bandCount + $0) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var total = 0.0
        for s in bandSums { total += s }
        return total / Double(channels * hw)
    }
}

/// The jobs of one SSIM evaluation, run one channel at a time. Planes 0-4 are the channel's
/// blurred x, y, x², y², xy (the products are formed in their plane and blurred in place);
/// `pixels` overwrites 0, 2, 4 with ∂s/∂μx, ∂s/∂E[x²], ∂s/∂E[xy], which `backwardBlur` then
/// blurs in place.
private struct SSIMJobs: @unchecked Sendable {
    static let planesPerChannel = 5
    let x: UnsafePointer<Float>
    let y: UnsafePointer<Float>
    let planes: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Double>
    let taps: UnsafePointer<Float>
    let gradient: UnsafeMutablePointer<Float>?
    let width: Int
    let height: Int
    let bands: Int
    let scale: Float

    /// Plane k of the channel being processed.
    private func plane(_ k: Int) -> UnsafeMutablePointer<Float> {
        planes + k * width * height
    }

    /// Job c·5+s: blur signal s (x, y, x², y², xy) of channel c.
    func forwardBlur(_ job: Int) {
        let c = job / 5, signal = job % 5, hw = width * height
        let xc = x + c * hw, yc = y + c * hw
        let out = plane(signal)
        switch signal {
        case 0: SSIM.blur(xc, into: out, width: width, height: height, taps: taps)
        case 1: SSIM.blur(yc, into: out, width: width, height: height, taps: taps)
        default:
            let a = signal == 3 ? yc : xc, b = signal == 2 ? xc : yc
            for i in 0..<hw { out[i] = a[i] * b[i] }
            SSIM.blur(out, into: out, width: width, height: height, taps: taps)
        }
    }

    private func rows(ofBand band: Int) -> Range<Int> {
        (band * height / bands)..<((band + 1) * height / bands)
    }

    /// Job c·bands+b: SSIM map of one band of rows, its sum, and the per-pixel derivatives.
    func pixels(_ job: Int) {
        let rowRange = rows(ofBand: job % bands)
        let mu1 = plane(0), mu2 = plane(1), sxx = plane(2), syy = plane(3), sxy = plane(4)
        let c1 = Float(SSIM.c1), c2 = Float(SSIM.c2)
        var sum = 0.0
        for i in (rowRange.lowerBound * width)..<(rowRange.upperBound * width) {
            let m1 = mu1[i], m2 = mu2[i]
            let a1 = 2 * m1 * m2 + c1
            let a2 = 2 * (sxy[i] - m1 * m2) + c2
            let b1 = m1 * m1 + m2 * m2 + c1
            let b2 = (sxx[i] - m1 * m1) + (syy[i] - m2 * m2) + c2
            let d = b1 * b2
            let s = a1 * a2 / d
            sum += Double(s)
            if gradient != nil {
                // ∂s/∂μx, ∂s/∂E[x²], ∂s/∂E[xy] with σx² = E[x²]−μx², σxy = E[xy]−μxμy.
                mu1[i] = scale * (2 * m2 * (a2 - a1) - 2 * m1 * s * (b2 - b1)) / d
                sxx[i] = scale * (-s / b2)
                sxy[i] = scale * (2 * a1 / d)
            }
        }
        sums[job] = sum
    }

    /// Job c·3+k: blur derivative k of channel c in place (the zero-padded symmetric blur is self-adjoint).
    func backwardBlur(_ job: Int) {
        let derivative = plane([0, 2, 4][job % 3])
        SSIM.blur(derivative, into: derivative, width: width, height: height, taps: taps)
    }

    /// Job c·bands+b: dSSIM/dx for one band of rows.
    func combine(_ job: Int) {
        guard let gradient else { return }
        let c = job / bands, rowRange = rows(ofBand: job % bands), hw = width * height
        let xc = x + c * hw, yc = y + c * hw, gc = gradient + c * hw
        let dmu = plane(0), dxx = plane(2), dxy = plane(4)
        for i in (rowRange.lowerBound * width)..<(rowRange.upperBound * width) {
            gc[i] = dmu[i] + 2 * xc[i] * dxx[i] + yc[i] * dxy[i]
        }
    }
}

extension SSIM {
    /// Separable zero-padded Gaussian blur of a width×height plane, horizontal then vertical, eight
    /// pixels at a time where the window fits. `src` may be `dst`: besides `dst` it needs only a
    /// few rows of scratch (the current row, and the last `windowRadius` + 1 rows of the
    /// horizontal pass, which the vertical pass still reads after overwriting them).
    static func blur(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, width w: Int, height h: Int,
                     taps: UnsafePointer<Float>) {
        typealias V = SIMD8<Float>
        let r = windowRadius
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (r + 2) * w) { scratch in
            let line = scratch.baseAddress!, ring = line + w
            for row in 0..<h {
                let s = line, t = dst + row * w
                s.update(from: src + row * w, count: w)
                var i = 0
                while i < w {
                    if i >= r && i + 8 + r <= w {
                        var acc = V()
                        for k in 0...(2 * r) {
                            acc += UnsafeRawPointer(s + i - r + k).loadUnaligned(as: V.self) * taps[k]
                        }
                        UnsafeMutableRawPointer(t + i).storeBytes(of: acc, as: V.self)
                        i += 8
                    } else {
                        var acc: Float = 0
                        for k in max(0, r - i)...min(2 * r, w - 1 - i + r) { acc += taps[k] * s[i - r + k] }
                        t[i] = acc
                        i += 1
                    }
                }
            }
            // Vertical, in place: rows above the current one come from the ring of horizontal results.
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 2 * r + 1) { sources in
                for row in 0..<h {
                    let d = dst + row * w
                    (ring + (row % (r + 1)) * w).update(from: d, count: w)
                    let k0 = max(0, r - row), k1 = min(2 * r, h - 1 - row + r)
                    for k in k0...k1 {
                        let q = row - r + k
                        sources[k] = UnsafePointer(q <= row ? ring + (q % (r + 1)) * w : dst + q * w)
                    }
                    var i = 0
                    while i + 8 <= w {
                        var acc = V()
                        for k in k0...k1 {
                            acc += UnsafeRawPointer(sources[k] + i).loadUnaligned(as: V.self) * taps[k]
                        }
                        UnsafeMutableRawPointer(d + i).storeBytes(of: acc, as: V.self)
                        i += 8
                    }
                    while i < w {
                        var acc: Float = 0
                        for k in k0...k1 { acc += taps[k] * sources[k][i] }
                        d[i] = acc
                        i += 1
                    }
                }
            }
        }
    }
}
