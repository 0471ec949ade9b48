import Dispatch

/// A pointer that may be captured by `concurrentPerform`'s @Sendable closure; each iteration
/// writes a disjoint part, so sharing it is safe.
struct SendablePointer<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { self.p = p }
}

/// Runs `body(i)` for i in 0..<iterations, on the calling thread only when `threads == 1`,
/// otherwise on all cores. Results must not depend on which thread runs which iteration.
@inline(__always)
func parallelFor(_ iterations: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    if threads == 1 || iterations <= 1 {
        for i in 0..<iterations { body(i) }
    } else {
        DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
    }
}
