import Foundation

/// This process's resident memory, from `/proc/self/status` (0 where it is not available).
public enum ProcessMemory {
    /// Current resident set size (VmRSS), bytes.
    public static func residentBytes() -> Int { statusField("VmRSS:") }

    /// Peak resident set size (VmHWM), bytes.
    public static func peakResidentBytes() -> Int { statusField("VmHWM:") }

    private static func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return kilobytes * 1024
    }
}
