/// Every point's k nearest points, the point itself counting as the first (scikit-learn's
/// `min_samples`), and HDBSCAN's core distance: the distance to the k-th. Distances are summed in
/// float64 in coordinate order, exactly as scikit-learn computes them, and kept squared.
struct NearestNeighbours: Sendable {
    let k: Int
    /// Per point the squared distance to its k-th nearest point.
    let coreSquared: [Double]
    /// neighbours[k·p ..< k·p + k]: the k nearest points of p (p itself among them), in no order.
    let neighbours: [Int32]
    /// True when p's list holds every point within its core distance (no tie with the k-th
    /// beyond the list).
    let complete: [Bool]

    /// Exact search in the ball tree for the k + 1 nearest (the last tells whether the list is
    /// complete), points in tree order split over threads.
    init(_ tree: FeatureBallTree, points: [Float], k: Int, threads: Int) {
        let n = tree.count, slots = tree.slotPoints.count
        var core = [Double](repeating: 0, count: n), neighbours = [Int32](repeating: 0, count: n * k)
        var complete = [Bool](repeating: false, count: n)
        let chunks = max(1, min(64, slots / 256))
        core.withUnsafeMutableBufferPointer { coreOut in
        neighbours.withUnsafeMutableBufferPointer { listOut in
        complete.withUnsafeMutableBufferPointer { completeOut in
            let coreOut = SendablePointer(coreOut.baseAddress!), listOut = SendablePointer(listOut.baseAddress!)
            let completeOut = SendablePointer(completeOut.baseAddress!)
            parallelChunks(chunks, threads: threads) { chunk in
                let heap = UnsafeMutablePointer<(squared: Double, point: Int32)>.allocate(capacity: k + 1)
                defer { heap.deallocate() }
                BallTreeSearch.with(tree) { search in
                    for slot in chunkRange(chunk, of: chunks, count: slots) {
                        let point = Int(search.slotPoints[slot])
                        guard point >= 0 else { continue }
                        var query = NearestQuery(heap: heap, size: k + 1)
                        tree.search(&query, from: point, search)
                        // heap[0] is the (k + 1)-th nearest; the rest are the list.
                        var kth = 0.0
                        for i in 1...k {
                            kth = max(kth, heap[i].squared)
                            listOut.base[point * k + i - 1] = heap[i].point
                        }
                        coreOut.base[point] = kth
                        completeOut.base[point] = heap[0].squared > kth
                    }
                }
            }
        }}}
        self.k = k
        self.coreSquared = core
        self.neighbours = neighbours
        self.complete = complete
    }

    /// The slow reference for the squared core distances: every pairwise distance, sorted.
    static func bruteForceCoreSquared(points: [Float], dimension d: Int, k: Int) -> [Double] {
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

/// The `size` nearest points seen so far, as a max-heap on the squared distance (heap[0] is the
/// farthest of them); padding entries are (+∞, −1).
private struct NearestQuery: FeatureTreeQuery {
    let heap: UnsafeMutablePointer<(squared: Double, point: Int32)>
    let size: Int

    init(heap: UnsafeMutablePointer<(squared: Double, point: Int32)>, size: Int) {
        self.heap = heap
        self.size = size
        heap.initialize(repeating: (.infinity, -1), count: size)
    }

    func skips(node: Int) -> Bool { false }

    /// A ball no nearer than the farthest kept point cannot change the kept distances.
    func prunes(node: Int, gap: Double) -> Bool { gap >= heap[0].squared }

    mutating func visit(block: Int, approximate r: FeatureBallTree.Lanes, exact: BallTreeSearch) {
        var bound = exact.filter(heap[0].squared)
        guard BallTreeSearch.mayBeAtMost(r, bound) else { return }
        for lane in 0..<FeatureBallTree.lanes where r[lane] <= bound {
            let slot = block * FeatureBallTree.lanes + lane
            let squared = exact.exact(slot)
            if squared < heap[0].squared {
                replaceTop(squared, exact.slotPoints[slot])
                bound = exact.filter(heap[0].squared)
            }
        }
    }

    private func replaceTop(_ value: Double, _ point: Int32) {
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var largest = l < size && heap[l].squared > value ? l : -1
            if r < size, heap[r].squared > (largest >= 0 ? heap[largest].squared : value) { largest = r }
            guard largest >= 0 else { break }
            heap[i] = heap[largest]
            i = largest
        }
        heap[i] = (value, point)
    }
}
