/// One binary mask as COCO-style run lengths: alternating runs of unset and set pixels, starting
/// with unset ones (a mask whose first pixel is set starts with a run of length 0), over the
/// pixels in row-major order (PNG) or column-major order (COCO RLE). The runs add up to
/// width·height.
public struct BinaryMask: Sendable, Equatable {
    public enum Order: Sendable { case rowMajor, columnMajor }

    public let width: Int
    public let height: Int
    public let order: Order
    public let counts: [Int]
    /// The number of set pixels.
    public let area: Int

    /// `counts` must be non-negative and add up to `width`·`height` (the readers check this).
    public init(width: Int, height: Int, order: Order, counts: [Int]) {
        self.width = width
        self.height = height
        self.order = order
        self.counts = counts
        area = stride(from: 1, to: counts.count, by: 2).reduce(0) { $0 + counts[$1] }
    }

    /// The non-zero pixels of a label map.
    public init(nonZeroOf map: LabelMap) {
        var counts: [Int] = []
        var set = false, run = 0
        for label in map.labels {
            if (label != 0) != set {
                counts.append(run)
                set.toggle()
                run = 0
            }
            run += 1
        }
        counts.append(run)
        self.init(width: map.width, height: map.height, order: .rowMajor, counts: counts)
    }

    /// Calls `body` with the row-major index of every set pixel.
    public func forEachSetPixel(_ body: (Int) -> Void) {
        var position = 0
        for (k, count) in counts.enumerated() {
            if k % 2 == 1 {
                for i in position..<(position + count) {
                    body(order == .rowMajor ? i : (i % height) * width + i / height)
                }
            }
            position += count
        }
    }
}
