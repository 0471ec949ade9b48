/// HDBSCAN's core distances, squared: for every point the squared Euclidean distance to its k-th
/// nearest point, the point itself counting as the first (scikit-learn's `min_samples`).
/// Distances are summed in float64 in coordinate order, exactly as scikit-learn computes them.
enum CoreDistances {
    /// Exact k-nearest-neighbour search in the k-d tree, points in tree order split over threads.
    static func squared(_ tree: FeatureBallTree, points: [Float], k: Int, threads: Int) -> [Double] {
        let d = tree.dimension, slots = tree.slotPoints.count
        var core = [Double](repeating: 0, count: tree.count)
        let chunks = max(1, min(64, slots / 256))
        core.withUnsafeMutableBufferPointer { out in
            let out = SendablePointer(out.baseAddress!)
            parallelChunks(chunks, threads: threads) { chunk in
                let heap = UnsafeMutablePointer<Double>.allocate(capacity: k)
                let q = UnsafeMutablePointer<Double>.allocate(capacity: d)
                let stack = UnsafeMutablePointer<(node: Int32, gap: Double)>.allocate(capacity: tree.stackCapacity)
                defer { heap.deallocate(); q.deallocate(); stack.deallocate() }
                for slot in chunkRange(chunk, of: chunks, count: slots) {
                    let point = Int(tree.slotPoints[slot])
                    guard point >= 0 else { continue }
                    for j in 0..<d { q[j] = Double(points[point * d + j]) }
                    var query = NearestQuery(heap: heap, k: k)
                    tree.search(&query, from: q, stack: stack)
                    out.base[point] = heap[0]
                }
            }
        }
        return core
    }

    /// The slow reference: every pairwise distance, sorted.
    static func bruteForceSquared(points: [Float], dimension d: Int, k: Int) -> [Double] {
        let n = points.count / d
        return (0..<n).map { i in
            let distances = (0..<n).map { squaredDistance(points, d, i, $0) }.sorted()
            return distances[k - 1]
        }
    }

    /// The squared distance between points i and j, summed in coordinate order in float64.
    static func squaredDistance(_ points: [Float], _ d: Int, _ i: Int, _ j: Int) -> Double {
        var sum = 0.0
        for c in 0..<d {
            let t = Double(points[i * d + c]) - Double(points[j * d + c])
            sum += t * t
        }
        return sum
    }
}

/// The k smallest squared distances seen so far, as a max-heap (heap[0] is the k-th smallest).
private struct NearestQuery: FeatureTreeQuery {
    let heap: UnsafeMutablePointer<Double>
    let k: Int

    init(heap: UnsafeMutablePointer<Double>, k: Int) {
        self.heap = heap
        self.k = k
        heap.initialize(repeating: .infinity, count: k)
    }

    func skips(node: Int) -> Bool { false }

    /// A box no nearer than the k-th distance cannot change the k-th distance.
    func prunes(node: Int, gap: Double) -> Bool { gap >= heap[0] }

    mutating func visit(block: Int, squaredDistances r: FeatureBallTree.Lanes) {
        for lane in 0..<FeatureBallTree.lanes where r[lane] < heap[0] { replaceTop(r[lane]) }
    }

    private func replaceTop(_ value: Double) {
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var largest = l < k && heap[l] > value ? l : -1
            if r < k, heap[r] > (largest >= 0 ? heap[largest] : value) { largest = r }
            guard largest >= 0 else { break }
            heap[i] = heap[largest]
            i = largest
        }
        heap[i] = value
    }
}
