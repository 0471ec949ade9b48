#if canImport(Glibc)
import Glibc
#endif

extension Array where Element == Float {
    /// Makes room for at least `minimumCapacity` values (at least doubling the capacity, as
    /// `append` would) without two resident copies: the new storage fills a chunk at a time and
    /// the copied pages of the old storage go back to the system at once (MADV_DONTNEED). A
    /// large parameter array then grows without a transient the size of the array.
    mutating func growCapacity(to minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        var grown = [Float]()
        grown.reserveCapacity(Swift.max(minimumCapacity, 2 * capacity))
        let chunk = 1 << 18
        withUnsafeMutableBufferPointer { old in
            guard let base = old.baseAddress else { return }
            var released = PageRelease(base)
            for start in stride(from: 0, to: old.count, by: chunk) {
                let end = Swift.min(old.count, start + chunk)
                grown.append(contentsOf: UnsafeBufferPointer(rebasing: old[start..<end]))
                released.release(upTo: end)
            }
        }
        self = grown
    }
}

/// Returns the whole pages of a buffer's copied prefix to the system (they read as zeros after).
private struct PageRelease {
    let base: UnsafeMutablePointer<Float>
    /// Address up to which pages are released (page-aligned).
    var released: Int

    init(_ base: UnsafeMutablePointer<Float>) {
        self.base = base
        released = (Int(bitPattern: base) + Self.pageSize - 1) / Self.pageSize * Self.pageSize
    }

    mutating func release(upTo count: Int) {
        let end = Int(bitPattern: base + count) / Self.pageSize * Self.pageSize
        guard end > released else { return }
        #if canImport(Glibc)
        madvise(UnsafeMutableRawPointer(bitPattern: released), end - released, MADV_DONTNEED)
        #endif
        released = end
    }

    #if canImport(Glibc)
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
    static let pageSize = 4096
    #endif
}
