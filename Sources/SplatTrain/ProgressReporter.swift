import Foundation

/// Training progress: an updating `\r` line on a terminal, plain lines every `interval`
/// iterations otherwise (DESIGN.md "long work shows progress").
public final class ProgressReporter {
    public let isTerminal: Bool
    public let interval: Int
    private let totalIterations: Int
    private var smoothedLoss: Double?
    private var smoothedPSNR: Double?
    private var lastDraw = 0.0
    private var rateWindow: [(iteration: Int, time: Double)] = []

    public init(totalIterations: Int, interval: Int, isTerminal: Bool = isatty(STDOUT_FILENO) != 0) {
        self.totalIterations = totalIterations
        self.interval = max(1, interval)
        self.isTerminal = isTerminal
    }

    /// Records a step; prints when due. `now` is monotonic seconds.
    public func record(_ report: StepReport, now: Double) {
        smoothedLoss = smoothedLoss.map { 0.6 * $0 + 0.4 * report.loss.total } ?? report.loss.total
        if report.psnr.isFinite { smoothedPSNR = smoothedPSNR.map { 0.6 * $0 + 0.4 * report.psnr } ?? report.psnr }
        rateWindow.append((report.iteration, now))
        if rateWindow.count > 50 { rateWindow.removeFirst(rateWindow.count - 50) }
        let last = report.iteration == totalIterations
        if isTerminal {
            if now - lastDraw >= 0.25 || last {
                lastDraw = now
                print("\r" + line(report) + "   ", terminator: last ? "\n" : "")
                fflush(nil)
            }
        } else if report.iteration % interval == 0 || last {
            print(line(report))
            fflush(nil)
        }
    }

    /// Prints a message on its own line (ending an updating progress line first).
    public func message(_ text: String) {
        if isTerminal && lastDraw > 0 { print("") ; lastDraw = 0 }
        print(text)
        fflush(nil)
    }

    /// Iterations per second over the recent window.
    public var rate: Double? {
        guard let first = rateWindow.first, let last = rateWindow.last, last.time > first.time else { return nil }
        return Double(last.iteration - first.iteration) / (last.time - first.time)
    }

    private func line(_ report: StepReport) -> String {
        var parts = ["iter \(report.iteration)/\(totalIterations)",
                     String(format: "loss %.4f", smoothedLoss ?? report.loss.total),
                     String(format: "PSNR %.2f dB", smoothedPSNR ?? report.psnr),
                     "gaussians \(report.gaussians)"]
        if let rate, rate > 0 {
            parts.append(String(format: "%.2f it/s", rate))
            parts.append("left " + Self.duration(Double(totalIterations - report.iteration) / rate))
        }
        return parts.joined(separator: "  ")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
