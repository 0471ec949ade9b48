import Dispatch
#if canImport(Glibc)
import Glibc
#endif

// The low-level helpers every layer's hot loops share (issue #21 item 7): one copy each, here at
// the bottom so SplatRaster, SplatTrain, SplatLift and SplatEdit can all import them. Everything
// is @inlinable: generic code called across modules is otherwise not specialised
// (SWIFT-PERFORMANCE.md).

/// A pointer that may cross into `concurrentPerform`'s @Sendable closure; each chunk or
/// iteration writes only its own part, so sharing it is safe.
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Runs `body(chunk)` for every chunk in `0..<chunks`: on the calling thread when `threads == 1`
/// (or there is at most one chunk), otherwise on all cores. Callers make every chunk's work
/// independent of the others, so results do not depend on the thread count.
@inlinable
public func parallelChunks(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    if chunks <= 1 || threads == 1 {
        for c in 0..<chunks { body(c) }
    } else {
        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
    }
}

/// Splits `0..<count` into `chunks` fixed contiguous ranges and returns the `chunk`-th. The split
/// depends only on `chunks`, so per-chunk partial sums reduced in chunk order are reproducible.
@inlinable
public func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
    (chunk * count / chunks)..<((chunk + 1) * count / chunks)
}

/// A growable raw buffer reused across calls (renders, training steps), so the hot path
/// allocates nothing once it has seen the largest request. Only for trivial element types
/// (Float, Double, integers, SIMD vectors). Contents are not preserved across growth.
public final class ScratchBuffer<Element>: @unchecked Sendable {
    @usableFromInline var storage: UnsafeMutablePointer<Element>
    @usableFromInline var storageCapacity: Int
    @usableFromInline let fill: Element

    /// `fill` initialises new memory and is what `reserve(_:zeroed: true)` writes.
    @inlinable public init(fill: Element) {
        self.fill = fill
        storageCapacity = 1
        storage = .allocate(capacity: 1)
        storage.initialize(to: fill)
    }

    deinit { storage.deallocate() }

    /// The current base pointer (valid until the next growing `reserve`).
    @inlinable public var pointer: UnsafeMutablePointer<Element> { storage }
    @inlinable public var capacity: Int { storageCapacity }

    /// A pointer to at least `count` elements (contents unspecified unless `zeroed`, which sets the
    /// first `count` to the fill value).
    @inlinable @discardableResult
    public func reserve(_ count: Int, zeroed: Bool = false) -> UnsafeMutablePointer<Element> {
        if count > storageCapacity {
            storage.deallocate()
            storageCapacity = max(count, storageCapacity + storageCapacity / 2)
            storage = .allocate(capacity: storageCapacity)
            storage.initialize(repeating: fill, count: storageCapacity)
        } else if zeroed {
            storage.update(repeating: fill, count: max(count, 0))
        }
        return storage
    }
}

/// Laps of the monotonic wall clock and of the process CPU clock (all threads; a fair measure of
/// work when other jobs load the machine).
public struct Stopwatch {
    @usableFromInline var wall: UInt64
    @usableFromInline var cpu: UInt64

    public init() {
        wall = Stopwatch.wallNanoseconds()
        cpu = Stopwatch.cpuNanoseconds()
    }

    /// Monotonic wall-clock time in seconds (for differences only).
    public static func now() -> Double { Double(wallNanoseconds()) * 1e-9 }

    public static func wallNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    public static func cpuNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Wall-clock seconds since the previous lap (or the start).
    public mutating func lap() -> Double { lapWallAndCPU().wall * 1e-3 }

    /// (wall, cpu) milliseconds since the previous lap (or the start).
    public mutating func lapWallAndCPU() -> (wall: Double, cpu: Double) {
        let w = Stopwatch.wallNanoseconds(), c = Stopwatch.cpuNanoseconds()
        defer { wall = w; cpu = c }
        return (Double(w - wall) / 1e6, Double(c &- cpu) / 1e6)
    }
}

/// The median of benchmark timings: the middle value, or the mean of the middle two (0 when empty).
public func medianValue(_ values: [Double]) -> Double {
    let v = values.sorted()
    guard !v.isEmpty else { return 0 }
    return v.count % 2 == 1 ? v[v.count / 2] : 0.5 * (v[v.count / 2 - 1] + v[v.count / 2])
}
