import Foundation
import SplatIO
import SplatTrain

/// `bench raster --sweep`: a training step's time and memory against the number of Gaussians
/// and the image size (`ScalingSweep`; plot the JSON with scripts/plot_sweep.py).
extension BenchRasterCommand {
    static let sweepGaussians = [10_000, 30_000, 100_000, 300_000, 1_000_000]
    static let sweepSizes = [(320, 240), (640, 480), (1280, 720)]

    func runSweep() throws {
        let effectiveThreads = effectiveThreadCount(threads)
        if !json {
            print("bench raster --sweep: one training step (RGB, SH degree 3), \(effectiveThreads) thread(s), "
                  + "\(repeats) step(s) after a warm-up, seed \(seed), load average \(String(format: "%.2f", loadAverage()))")
            print("  Gaussians      size   s/step (min)   peak MB   bytes/Gaussian  (parameters + Adam)")
        }
        var points: [ScalingSweep.Point] = []
        for (width, height) in Self.sweepSizes {
            for count in Self.sweepGaussians {
                let point = try ScalingSweep.measure(gaussians: count, width: width, height: height, steps: repeats,
                                                     threads: threads, seed: seed)
                points.append(point)
                if !json {
                    let size = "\(width)×\(height)"
                    print(String(format: "  %9d ", count) + String(repeating: " ", count: max(0, 9 - size.count)) + size
                          + String(format: " %7.3f (%.3f) %9.1f %12.0f  (%d)", point.secondsPerStep, point.minSecondsPerStep, Double(point.peakBytes) / 1e6,
                                 point.bytesPerGaussian, point.parameterAndAdamBytesPerGaussian))
                }
            }
        }
        if json {
            struct Report: Encodable {
                var threads: Int, steps: Int, seed: UInt64, loadAverage1m: Double, points: [ScalingSweep.Point]
            }
            let report = Report(threads: effectiveThreads, steps: repeats, seed: seed, loadAverage1m: loadAverage(),
                                points: points)
            print(String(decoding: try JSONFiles.encoded(report, pretty: false), as: UTF8.self))
        }
    }
}
