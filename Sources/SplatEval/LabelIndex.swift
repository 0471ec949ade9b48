/// Dense numbering 0..<count of the label ids found in some maps, in ascending id order.
struct LabelIndex: Sendable {
    let ids: [Int32]
    private let position: [Int32: Int32]

    init(_ found: Set<Int32>) {
        ids = found.sorted()
        var position = [Int32: Int32](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() { position[id] = Int32(i) }
        self.position = position
    }

    var count: Int { ids.count }

    /// The dense index of `id`, or −1 when it is not indexed.
    @inline(__always) func index(of id: Int32) -> Int32 { position[id] ?? -1 }

    /// Replaces each label by its dense index (−1 for void or unknown labels), with a one-entry
    /// cache because neighbouring pixels mostly share a label.
    func denseMap(_ labels: [Int32], void: Int32?) -> [Int32] {
        var out = [Int32](repeating: -1, count: labels.count)
        var lastLabel: Int32 = 0
        var lastIndex: Int32 = -2
        for i in 0..<labels.count {
            let label = labels[i]
            if label == void { continue }
            if label != lastLabel || lastIndex == -2 {
                lastLabel = label
                lastIndex = index(of: label)
            }
            out[i] = lastIndex
        }
        return out
    }
}
