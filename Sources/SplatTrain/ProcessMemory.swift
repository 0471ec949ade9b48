#if canImport(Glibc)
import CMalloc
#endif
import Foundation

/// This process's resident memory, from `/proc/self/status` (0 where it is not available).
public enum ProcessMemory {
    /// Current resident set size (VmRSS), bytes.
    public static func residentBytes() -> Int { statusField("VmRSS:") }

    /// Peak resident set size (VmHWM), bytes.
    public static func peakResidentBytes() -> Int { statusField("VmHWM:") }

    /// Starts a new peak: VmHWM falls back to the current resident size (Linux `clear_refs` 5);
    /// false where that is not possible.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? file.close() }
        return (try? file.write(contentsOf: Data("5".utf8))) != nil
    }

    /// Gives every allocation of `threshold` bytes or more its own mapping, returned to the system
    /// when freed (glibc `M_MMAP_THRESHOLD`, process-wide). By default glibc raises that threshold
    /// up to 32 MiB as large blocks are freed, and freed blocks below it stay resident in the heap:
    /// training frees and regrows large arrays (densification, buffers that grow with the
    /// Gaussians), so that garbage would count towards its peak memory.
    public static func mapLargeAllocationsSeparately(threshold: Int = 256 * 1024) {
        #if canImport(Glibc)
        mallopt(M_MMAP_THRESHOLD, Int32(threshold))
        #endif
    }

    private static func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return kilobytes * 1024
    }
}
