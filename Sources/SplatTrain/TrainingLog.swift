import Foundation
import SplatMath

/// `train_log.jsonl`: one JSON object per iteration (iteration, loss terms, PSNR, Gaussians,
/// seconds of training so far, densification counts and opacity resets, objective terms).
public final class TrainingLog {
    private let handle: FileHandle
    public let url: URL

    /// Opens the log for appending. With `keepingThrough`, entries after that iteration (from a run
    /// that went past the checkpoint being resumed) are dropped first; without it the log starts empty.
    /// Returns the log and the training seconds of its last kept entry.
    public static func open(_ url: URL, keepingThrough iteration: Int?) throws -> (TrainingLog, Double) {
        var kept = Data()
        var seconds = 0.0
        if let iteration, let old = try? String(contentsOf: url, encoding: .utf8) {
            for line in old.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let it = object["iteration"] as? Int, it <= iteration else { continue }
                kept.append(contentsOf: Array(line.utf8) + [10])
                seconds = (object["seconds"] as? Double) ?? seconds
            }
        }
        try ModelFolder.writeAtomically(kept, to: url)
        do {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            return (TrainingLog(handle: handle, url: url), seconds)
        } catch {
            throw SplatError("cannot open the training log: \(error.localizedDescription)", path: url.path)
        }
    }

    private init(handle: FileHandle, url: URL) { self.handle = handle; self.url = url }

    deinit { try? handle.close() }

    public func append(_ report: StepReport, seconds: Double) throws {
        var fields: [(String, String)] = [
            ("iteration", "\(report.iteration)"),
            ("view", "\(report.viewIndex)"),
            ("loss", Self.number(report.loss.total)),
            ("l1", Self.number(report.loss.l1)),
            ("ssim", Self.number(report.loss.ssim)),
            ("psnr", Self.number(report.psnr)),
            ("gaussians", "\(report.gaussians)"),
            ("seconds", Self.number(seconds)),
        ]
        if let d = report.densify {
            fields += [("cloned", "\(d.cloned)"), ("split", "\(d.split)"), ("pruned", "\(d.pruned)")]
        }
        if report.opacityReset { fields.append(("opacity_reset", "true")) }
        for (key, value) in report.objectiveTerms.sorted(by: { $0.key < $1.key }) {
            fields.append((key, Self.number(value)))
        }
        let line = "{" + fields.map { "\"\(Self.escape($0.0))\":\($0.1)" }.joined(separator: ",") + "}\n"
        do { try handle.write(contentsOf: Data(line.utf8)) } catch {
            throw SplatError("cannot append to the training log: \(error.localizedDescription)", path: url.path)
        }
    }

    /// JSON has no NaN/Infinity: those become null.
    static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
