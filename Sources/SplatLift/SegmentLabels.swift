import SplatIO
import SplatMath

/// One view's 2D label map in the compact form the losses use: `index[u]` is the position of pixel
/// u's label in `values`, the sorted unique labels of the map (label 0 = "no mask" is one more
/// segment, METHOD.md §1.3(a).1). `areas[i]` counts the pixels of label `values[i]`.
public struct SegmentLabels: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let values: [Int32]
    public let index: [UInt16]
    public let areas: [Int]

    /// Builds the compact map from a planar H·W label map.
    public init(width: Int, height: Int, labels: [Int32]) throws {
        guard width > 0, height > 0 else {
            throw SplatError("label map has an empty size \(width)x\(height)")
        }
        guard labels.count == width * height else {
            throw SplatError("label map holds \(labels.count) labels, \(width)x\(height) needs \(width * height)")
        }
        let values = Array(Set(labels)).sorted()
        guard values.count <= Int(UInt16.max) + 1 else {
            throw SplatError("label map has \(values.count) distinct labels, at most 65536 are supported")
        }
        var position = [Int32: UInt16](minimumCapacity: values.count)
        for (i, v) in values.enumerated() { position[v] = UInt16(i) }
        var index = [UInt16](repeating: 0, count: labels.count)
        var areas = [Int](repeating: 0, count: values.count)
        for (u, label) in labels.enumerated() {
            let i = position[label] ?? 0
            index[u] = i
            areas[Int(i)] += 1
        }
        self.width = width
        self.height = height
        self.values = values
        self.index = index
        self.areas = areas
    }

    /// Builds the compact map of a decoded label map (SplatIO).
    public init(_ map: LabelMap) throws {
        try self.init(width: map.width, height: map.height, labels: map.labels)
    }

    public var pixelCount: Int { width * height }
    /// Number of distinct labels.
    public var labelCount: Int { values.count }
}
