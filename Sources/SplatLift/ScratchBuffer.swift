/// A growable raw buffer reused across training steps, so the hot path allocates nothing once it
/// has seen the largest view. Only for trivial element types (Float, Double, Int32, SIMD vectors).
final class ScratchBuffer<Element>: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    private let fill: Element

    init(fill: Element) {
        self.fill = fill
        capacity = 1
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: fill)
    }

    deinit { pointer.deallocate() }

    /// A pointer to at least `count` elements (contents unspecified unless `zeroed`, which sets the
    /// first `count` to the fill value).
    func reserve(_ count: Int, zeroed: Bool = false) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: fill, count: count)
        } else if zeroed {
            pointer.update(repeating: fill, count: max(count, 0))
        }
        return pointer
    }
}
