import SplatMath
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
    /// complete), a leaf's points at a time, leaves in tree order split over threads.
    init(_ tree: FeatureBallTree, k: Int, threads: Int) {
        let n = tree.count, leaves = tree.leaves
        var core = [Double](repeating: 0, count: n), neighbours = [Int32](repeating: 0, count: n * k)
        var complete = [Bool](repeating: false, count: n)
        let chunks = max(1, min(64, leaves.count / 8))
        core.withUnsafeMutableBufferPointer { coreOut in
        neighbours.withUnsafeMutableBufferPointer { listOut in
        complete.withUnsafeMutableBufferPointer { completeOut in
            let coreOut = SendablePointer(coreOut.baseAddress!), listOut = SendablePointer(listOut.baseAddress!)
            let completeOut = SendablePointer(completeOut.baseAddress!)
            parallelChunks(chunks, threads: threads) { chunk in
                let size = k + 1
                let heaps = UnsafeMutablePointer<(squared: Double, point: Int32)>.allocate(capacity: tree.leafSize * size)
                let queries = UnsafeMutablePointer<Int32>.allocate(capacity: tree.leafSize)
                let offsets = UnsafeMutablePointer<Double>.allocate(capacity: tree.leafSize)
                let stack = UnsafeMutablePointer<StackEntry>.allocate(capacity: tree.stackCapacity)
                defer { heaps.deallocate(); queries.deallocate(); offsets.deallocate(); stack.deallocate() }
                tree.withView { view in
                    for leaf in leaves[chunkRange(chunk, of: chunks, count: leaves.count)] {
                        var batch = NearestBatch(view: view, leaf: leaf, size: size, heaps: heaps, queries: queries,
                                                 offsets: offsets)
                        view.traverse(&batch, from: leaf, stack: stack)
                        for i in 0..<batch.count {
                            // heap[0] is the (k + 1)-th nearest; the rest are the list.
                            let heap = heaps + i * size, point = Int(queries[i])
                            var kth = 0.0
                            for e in 1...k {
                                kth = max(kth, heap[e].squared)
                                listOut.base[point * k + e - 1] = heap[e].point
                            }
                            coreOut.base[point] = kth
                            completeOut.base[point] = heap[0].squared > kth
                        }
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

/// For each point of a query leaf the `size` nearest points seen so far, as a max-heap on the
/// squared distance (heap[0] is the farthest of them); padding entries are (+∞, −1).
private struct NearestBatch: LeafBatchQuery {
    let view: BallTreeView
    let size: Int
    let heaps: UnsafeMutablePointer<(squared: Double, point: Int32)>
    let queries: UnsafeMutablePointer<Int32>
    /// Per query point its distance from the query leaf's centre.
    let offsets: UnsafeMutablePointer<Double>
    let count: Int
    /// The largest heap[0] over the query points: no farther point matters to any of them.
    var bound = Double.infinity

    init(view: BallTreeView, leaf: Int, size: Int, heaps: UnsafeMutablePointer<(squared: Double, point: Int32)>,
         queries: UnsafeMutablePointer<Int32>, offsets: UnsafeMutablePointer<Double>) {
        self.view = view
        self.size = size
        self.heaps = heaps
        self.queries = queries
        self.offsets = offsets
        count = view.leafPoints(leaf, into: queries)
        for i in 0..<count { offsets[i] = view.measure(leaf, view.row(queries[i])).toCentre }
        heaps.initialize(repeating: (.infinity, -1), count: count * size)
    }

    func skips(node: Int) -> Bool { false }

    /// A ball no nearer than every query point's farthest kept point changes nothing.
    func prunes(node: Int, gap: Double) -> Bool { gap >= bound }

    /// Each query point skips the leaf when the triangle inequality, then its own distance to the
    /// leaf's ball, says no point there is nearer than its farthest kept one.
    mutating func visit(leaf: Int, toCentre: Double) {
        let node = view.nodes[leaf]
        bound = 0
        for i in 0..<count {
            let heap = heaps + i * size, q = view.row(queries[i])
            if view.gap(leaf, toCentre: toCentre, offset: offsets[i]) < heap[0].squared,
               view.measure(leaf, q).gap < heap[0].squared {
                for block in Int(node.firstBlock)..<Int(node.endBlock) { scan(block, q, heap) }
            }
            bound = max(bound, heap[0].squared)
        }
    }

    @inline(__always) private func scan(_ block: Int, _ q: UnsafePointer<Float>,
                                        _ heap: UnsafeMutablePointer<(squared: Double, point: Int32)>) {
        let r = view.approximate(block, q)
        var filter = view.filter(heap[0].squared)
        guard BallTreeView.mayBeAtMost(r, filter) else { return }
        for lane in 0..<FeatureBallTree.lanes where r[lane] <= filter {
            let slot = block * FeatureBallTree.lanes + lane
            guard view.slotPoints[slot] >= 0 else { continue }
            let squared = view.exact(slot, q)
            if squared < heap[0].squared {
                replaceTop(heap, squared, view.slotPoints[slot])
                filter = view.filter(heap[0].squared)
            }
        }
    }

    private func replaceTop(_ heap: UnsafeMutablePointer<(squared: Double, point: Int32)>, _ value: Double, _ point: Int32) {
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
