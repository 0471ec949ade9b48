import Foundation
import Testing
@testable import SplatEval
import SplatMath

/// Smooth random-ish test images in [0, 1] with structure at several scales.
private func testImages(channels: Int, width: Int, height: Int, seed: UInt64) -> ([Float], [Float]) {
    var rng = SplatRandom(seed: seed)
    let n = channels * width * height
    var x = [Float](repeating: 0, count: n), y = x
    for i in 0..<n {
        let base = rng.uniformFloat()
        x[i] = base
        y[i] = min(1, max(0, 0.7 * base + 0.3 * rng.uniformFloat()))
    }
    return (x, y)
}

@Test func ssimOfIdenticalImagesIsOne() {
    let (x, _) = testImages(channels: 3, width: 23, height: 17, seed: 1)
    let value = SSIM.value(x, x, channels: 3, width: 23, height: 17)
    #expect(abs(value - 1) < 1e-5)
}

@Test func fastSSIMMatchesDirectDoubleReference() {
    for (w, h, seed) in [(23, 17, UInt64(2)), (8, 5, 3), (40, 31, 4)] {
        let (x, y) = testImages(channels: 3, width: w, height: h, seed: seed)
        let fast = SSIM.value(x, y, channels: 3, width: w, height: h)
        let reference = SSIM.referenceValue(x.map(Double.init), y.map(Double.init), channels: 3, width: w, height: h)
        #expect(abs(fast - reference) < 2e-5, "\(w)x\(h): fast \(fast) vs reference \(reference)")
        #expect(fast < 0.99)  // the pair is genuinely different
    }
}

@Test func ssimGradientMatchesFiniteDifferences() {
    let (w, h, c) = (19, 14, 3)
    let (x, y) = testImages(channels: c, width: w, height: h, seed: 5)
    var workspace = SSIMWorkspace(channels: c, width: w, height: h)
    var gradient = [Float]()
    let value = workspace.valueAndGradient(x, y, gradient: &gradient)
    #expect(abs(value - SSIM.value(x, y, channels: c, width: w, height: h)) < 1e-7)
    let xd = x.map(Double.init), yd = y.map(Double.init)
    let eps = 1e-5
    // Corners, edges (padding region) and interior pixels of every channel.
    let pixels = [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (3, 7), (9, 2), (w / 2, h / 2), (17, 12), (1, 11)]
    var worst = 0.0
    for ch in 0..<c {
        for (px, py) in pixels {
            let i = ch * w * h + py * w + px
            var plus = xd, minus = xd
            plus[i] += eps; minus[i] -= eps
            let fd = (SSIM.referenceValue(plus, yd, channels: c, width: w, height: h)
                      - SSIM.referenceValue(minus, yd, channels: c, width: w, height: h)) / (2 * eps)
            let err = abs(fd - Double(gradient[i])) / max(abs(fd), 1e-4)
            worst = max(worst, err)
        }
    }
    #expect(worst < 2e-3, "worst relative gradient error \(worst)")
}

@Test func ssimIsIdenticalForAnyThreadCount() {
    let (w, h, c) = (31, 22, 3)
    let (x, y) = testImages(channels: c, width: w, height: h, seed: 6)
    var serial = SSIMWorkspace(channels: c, width: w, height: h)
    serial.threads = 1
    var parallel = SSIMWorkspace(channels: c, width: w, height: h)
    var g1 = [Float](), g2 = [Float]()
    let v1 = serial.valueAndGradient(x, y, gradient: &g1)
    let v2 = parallel.valueAndGradient(x, y, gradient: &g2)
    #expect(v1 == v2)
    #expect(g1 == g2)
}

@Test func inPlaceBlurEqualsTheTwoPlaneBlurBitForBit() {
    let taps = SSIM.window1D.map { Float($0) }
    for (w, h) in [(37, 29), (8, 3), (16, 12)] {
        let (x, _) = testImages(channels: 1, width: w, height: h, seed: UInt64(w))
        // Horizontal into a second plane, then vertical, each tap sum in ascending tap order.
        let r = SSIM.windowRadius
        var tmp = [Float](repeating: 0, count: w * h), expected = tmp
        for row in 0..<h {
            for i in 0..<w {
                var acc: Float = 0
                for k in max(0, r - i)...min(2 * r, w - 1 - i + r) { acc += taps[k] * x[row * w + i - r + k] }
                tmp[row * w + i] = acc
            }
        }
        for row in 0..<h {
            for i in 0..<w {
                var acc: Float = 0
                for k in max(0, r - row)...min(2 * r, h - 1 - row + r) { acc += taps[k] * tmp[(row - r + k) * w + i] }
                expected[row * w + i] = acc
            }
        }
        var separate = [Float](repeating: 0, count: w * h), inPlace = x
        taps.withUnsafeBufferPointer { t in
            x.withUnsafeBufferPointer { src in
                separate.withUnsafeMutableBufferPointer {
                    SSIM.blur(src.baseAddress!, into: $0.baseAddress!, width: w, height: h, taps: t.baseAddress!)
                }
            }
            inPlace.withUnsafeMutableBufferPointer {
                SSIM.blur($0.baseAddress!, into: $0.baseAddress!, width: w, height: h, taps: t.baseAddress!)
            }
        }
        #expect(separate == expected && inPlace == expected)
    }
}

@Test func psnrAndL1() {
    let a: [Float] = [0, 0.5, 1, 0.25]
    let b: [Float] = [0.1, 0.5, 0.9, 0.25]
    #expect(abs(ImageMetrics.meanSquaredError(a, b) - 0.005) < 1e-7)
    #expect(abs(ImageMetrics.psnr(a, b) - 10 * log10(1 / 0.005)) < 1e-4)
    #expect(abs(ImageMetrics.meanAbsoluteError(a, b) - 0.05) < 1e-8)
    #expect(ImageMetrics.psnr(a, a) == .infinity)
}
