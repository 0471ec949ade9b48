import Foundation
import SplatRaster

/// The roofline part of `splatlift bench raster`: this machine's FMA peak and memory bandwidth,
/// and each stage's achieved FLOP/s and bytes/s (RasterWorkModel's estimates) as fractions of them.
struct RasterRooflineReport {
    var fmaPeak: Double, readBandwidth: Double, triadBandwidth: Double
    typealias Row = (stage: String, milliseconds: Double, evaluationsPerSecond: Double?, flops: Double, bytes: Double)
    var rows: [Row]
    var forwardFlopsPerEvaluation: Int, backwardFlopsPerEvaluation: Int

    static func measure(threads: Int) -> (fma: Double, read: Double, triad: Double) {
        let fma = Roofline.fmaPeak(threads: threads)
        let bw = Roofline.memoryBandwidth(threads: threads)
        return (fma, bw.read, bw.triad)
    }

    init(peaks: (fma: Double, read: Double, triad: Double), model m: RasterWorkModel,
         medians: (project: Double, bin: Double, forward: Double, backwardRaster: Double, backwardProject: Double)) {
        fmaPeak = peaks.fma; readBandwidth = peaks.read; triadBandwidth = peaks.triad
        forwardFlopsPerEvaluation = m.forwardFlopsPerEvaluation
        backwardFlopsPerEvaluation = m.backwardFlopsPerEvaluation
        rows = [
            ("project", medians.project, nil, m.project.flops, m.project.bytes),
            ("bin", medians.bin, nil, m.bin.flops, m.bin.bytes),
            ("forward", medians.forward, Double(m.forwardEvaluations) / (medians.forward / 1000),
             m.forward.flops, m.forward.bytes),
            ("backwardRaster", medians.backwardRaster, Double(m.backwardEvaluations) / (medians.backwardRaster / 1000),
             m.backwardRaster.flops, m.backwardRaster.bytes),
            ("backwardProject", medians.backwardProject, nil, m.backwardProject.flops, m.backwardProject.bytes),
        ]
    }

    /// The memory roof: the better of the read and triad bandwidths.
    var bandwidth: Double { max(readBandwidth, triadBandwidth) }

    /// A stage's achieved FLOP/s and bytes/s (0 for a stage that took no measurable time).
    func rates(_ r: Row) -> (flops: Double, bytes: Double) {
        let seconds = r.milliseconds / 1000
        return seconds > 0 ? (r.flops / seconds, r.bytes / seconds) : (0, 0)
    }

    func printText() {
        print(String(format: "  roofline: FMA peak %.3g FLOP/s (SIMD8 FMA, all threads), memory %.3g B/s read, %.3g B/s triad",
                     fmaPeak, readBandwidth, triadBandwidth))
        print("  stage                 ms     eval/s     FLOP/s  %FMApeak       B/s  %bandwidth")
        for r in rows {
            let (flops, bytes) = rates(r)
            let evals = r.evaluationsPerSecond.map { String(format: "%10.3g", $0) } ?? "         -"
            print("  " + r.stage.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%8.1f ", r.milliseconds) + evals
                  + String(format: " %10.3g %8.2f%% %10.3g %9.2f%%", flops, 100 * flops / fmaPeak, bytes,
                           100 * bytes / bandwidth))
        }
        print("  (FLOPs per Gaussian-pixel evaluation: forward \(forwardFlopsPerEvaluation), backward "
              + "\(backwardFlopsPerEvaluation); bytes and FLOPs are RasterWorkModel estimates)")
    }

    var json: [String: Any] {
        var stages: [String: Any] = [:]
        for r in rows {
            let (flops, bytes) = rates(r)
            stages[r.stage] = ["flopsPerSecond": flops, "fractionOfFMAPeak": flops / fmaPeak,
                               "bytesPerSecond": bytes, "fractionOfBandwidth": bytes / bandwidth]
        }
        return ["fmaPeakFlopsPerSecond": fmaPeak, "readBytesPerSecond": readBandwidth,
                "triadBytesPerSecond": triadBandwidth, "forwardFlopsPerEvaluation": forwardFlopsPerEvaluation,
                "backwardFlopsPerEvaluation": backwardFlopsPerEvaluation, "stages": stages]
    }
}
