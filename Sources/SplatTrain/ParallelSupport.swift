import Foundation

/// A raw pointer that may cross into `DispatchQueue.concurrentPerform` workers
/// (SWIFT-PERFORMANCE.md §1): each worker writes a disjoint range.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Runs `body(chunk)` for `0..<chunks` on all cores, or serially when `threads == 1`. Callers
/// make every chunk's work independent, so results do not depend on the thread count.
func parallelChunks(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    if chunks <= 1 || threads == 1 {
        for c in 0..<chunks { body(c) }
    } else {
        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
    }
}
