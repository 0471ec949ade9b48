import Foundation

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

/// Reusable buffers for the fast SSIM and its analytic gradient, for one image size. Channels
/// run in parallel; every channel is computed in a fixed order, so results are bit-identical
/// for any thread count.
public struct SSIMWorkspace: Sendable {
    public let channels: Int
    public let width: Int
    public let height: Int
    /// 0 = all cores, 1 = the calling thread only.
    public var threads: Int = 0
    private static let planesPerChannel = 7
    private var planes: [Float]
    private var channelSums: [Double]
    private let taps: [Float]

    public init(channels: Int, width: Int, height: Int) {
        self.channels = channels; self.width = width; self.height = height
        planes = [Float](repeating: 0, count: channels * Self.planesPerChannel * width * height)
        channelSums = [Double](repeating: 0, count: channels)
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
        let (w, h, channelCount) = (width, height, channels)
        let scale = Float(1.0 / Double(channelCount * hw))
        let serial = threads == 1 || channelCount == 1
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                planes.withUnsafeMutableBufferPointer { pb in
                    channelSums.withUnsafeMutableBufferPointer { sb in
                        taps.withUnsafeBufferPointer { tb in
                            gradient.withUnsafeMutableBufferPointer { gb in
                                let job = SSIMChannelJob(x: xb.baseAddress!, y: yb.baseAddress!, planes: pb.baseAddress!,
                                                         sums: sb.baseAddress!, taps: tb.baseAddress!,
                                                         gradient: wantGradient ? gb.baseAddress : nil,
                                                         width: w, height: h, scale: scale)
                                if serial {
                                    for c in 0..<channelCount { job.run(channel: c) }
                                } else {
                                    DispatchQueue.concurrentPerform(iterations: channelCount) { job.run(channel: $0) }
                                }
                            }
                        }
                    }
                }
            }
        }
        var total = 0.0
        for c in 0..<channels { total += channelSums[c] }
        return total / Double(channels * hw)
    }
}

/// One channel of the fast SSIM: five separable blurs forward, three more for the gradient.
private struct SSIMChannelJob: @unchecked Sendable {
    let x: UnsafePointer<Float>
    let y: UnsafePointer<Float>
    let planes: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Double>
    let taps: UnsafePointer<Float>
    let gradient: UnsafeMutablePointer<Float>?
    let width: Int
    let height: Int
    let scale: Float

    func run(channel c: Int) {
        let hw = width * height
        let xc = x + c * hw, yc = y + c * hw
        let base = planes + c * 7 * hw
        let mu1 = base, mu2 = base + hw, sxx = base + 2 * hw, syy = base + 3 * hw
        let sxy = base + 4 * hw, tmp = base + 5 * hw, prod = base + 6 * hw
        blur(xc, into: mu1, tmp: tmp)
        blur(yc, into: mu2, tmp: tmp)
        for i in 0..<hw { prod[i] = xc[i] * xc[i] }
        blur(prod, into: sxx, tmp: tmp)
        for i in 0..<hw { prod[i] = yc[i] * yc[i] }
        blur(prod, into: syy, tmp: tmp)
        for i in 0..<hw { prod[i] = xc[i] * yc[i] }
        blur(prod, into: sxy, tmp: tmp)

        let c1 = Float(SSIM.c1), c2 = Float(SSIM.c2)
        var sum = 0.0
        for i in 0..<hw {
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
        sums[c] = sum
        guard let gradient else { return }
        // Chain through the blurs: the zero-padded symmetric blur is its own adjoint.
        blur(mu1, into: mu2, tmp: tmp)
        blur(sxx, into: syy, tmp: tmp)
        blur(sxy, into: prod, tmp: tmp)
        let gc = gradient + c * hw
        for i in 0..<hw { gc[i] = mu2[i] + 2 * xc[i] * syy[i] + yc[i] * prod[i] }
    }

    /// Separable zero-padded Gaussian blur, horizontal into `tmp`, then vertical into `dst`.
    private func blur(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                      tmp: UnsafeMutablePointer<Float>) {
        let r = SSIM.windowRadius, w = width, h = height
        for row in 0..<h {
            let s = src + row * w, t = tmp + row * w
            for i in 0..<w { t[i] = 0 }
            for k in -r...r {
                let g = taps[k + r]
                let lo = max(0, -k), hi = min(w, w - k)
                if lo < hi { for i in lo..<hi { t[i] += g * s[i + k] } }
            }
        }
        for row in 0..<h {
            let d = dst + row * w
            for i in 0..<w { d[i] = 0 }
            for k in -r...r {
                let yy = row + k
                if yy < 0 || yy >= h { continue }
                let g = taps[k + r], t = tmp + yy * w
                for i in 0..<w { d[i] += g * t[i] }
            }
        }
    }
}
