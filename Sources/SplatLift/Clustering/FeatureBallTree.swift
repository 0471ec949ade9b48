import SplatMath
/// An exact ball tree over n points of any dimension d, laid out for SIMD distance scans.
///
/// A node holds a ball (the centroid of its points and the largest distance to it) and splits its
/// points in two (`split`) until at most `leafSize` remain. In 16-d, balls bound clustered points
/// much more tightly than boxes. Each leaf's points occupy whole blocks of 8 slots (padding slots
/// hold +∞ coordinates and point −1), stored as float32 dimension-major inside a block, so one
/// leaf scan computes 8 approximate squared distances at once (half the memory traffic of
/// float64); searches compute the exact float64 distance only for the lanes that pass
/// (`BallTreeView.swift`).
struct FeatureBallTree: Sendable {
    typealias Lanes = SIMD8<Float>
    static let lanes = 8

    struct Node: Sendable {
        var firstBlock: Int32, endBlock: Int32
        var left: Int32, right: Int32                     // −1 for leaves
        var isLeaf: Bool { left < 0 }
    }

    let dimension: Int
    let count: Int
    /// Nodes in depth-first preorder (a parent before its children); node 0 is the root.
    let nodes: [Node]
    /// Per node the centroid of its points (d values from d·node) and their largest distance to it.
    let centres: [Double]
    let radii: [Double]
    /// blocks[b·d + j] holds coordinate j of slots 8b..<8b+8.
    let blocks: [Lanes]
    /// The points as given, n·d row-major.
    let points: [Float]
    /// The point in each slot, −1 for padding.
    let slotPoints: [Int32]
    /// Room one search's stack needs: the depth plus one (each level pops one node, pushes two).
    let stackCapacity: Int
    /// The most points a leaf holds.
    let leafSize: Int
    /// The leaves in tree order.
    let leaves: [Int]

    /// Builds the tree over `points` (n·d floats, row-major, finite).
    init(points: [Float], dimension d: Int, leafSize: Int = 128) {
        let n = points.count / d
        let x = points.map { Double($0) }
        var order = (0..<n).map { Int32($0) }
        var nodes: [Node] = [], centres: [Double] = [], radii: [Double] = []
        var leafRanges: [Range<Int>] = []
        var blockCount = 0, depth = 0

        func build(_ range: Range<Int>, level: Int) -> Int32 {
            let index = nodes.count
            depth = max(depth, level)
            nodes.append(Node(firstBlock: 0, endBlock: 0, left: -1, right: -1))
            let ball = Self.ball(order[range], x, d)
            centres += ball.centre
            radii.append(ball.radius)
            if range.count <= leafSize {
                nodes[index].firstBlock = Int32(blockCount)
                blockCount += (range.count + Self.lanes - 1) / Self.lanes
                nodes[index].endBlock = Int32(blockCount)
                leafRanges.append(range)
                return Int32(index)
            }
            let (sides, leftCount) = Self.split(order[range], centre: ball.centre, x, d, balanced: level > 48)
            order.replaceSubrange(range, with: sides)
            let middle = range.lowerBound + leftCount
            let left = build(range.lowerBound..<middle, level: level + 1)
            let right = build(middle..<range.upperBound, level: level + 1)
            nodes[index].left = left
            nodes[index].right = right
            nodes[index].firstBlock = nodes[Int(left)].firstBlock
            nodes[index].endBlock = nodes[Int(right)].endBlock
            return Int32(index)
        }
        _ = build(0..<n, level: 1)

        var slotPoints = [Int32](repeating: -1, count: blockCount * Self.lanes)
        var blocks = [Lanes](repeating: Lanes(repeating: .infinity), count: blockCount * d)
        for (leaf, node) in nodes.filter(\.isLeaf).enumerated() {
            for (k, point) in order[leafRanges[leaf]].enumerated() {
                let slot = Int(node.firstBlock) * Self.lanes + k
                slotPoints[slot] = point
                for j in 0..<d { blocks[(slot / Self.lanes) * d + j][slot % Self.lanes] = points[Int(point) * d + j] }
            }
        }
        self.dimension = d
        self.count = n
        self.points = points
        self.nodes = nodes
        self.centres = centres
        self.radii = radii
        self.stackCapacity = depth + 2
        self.leafSize = leafSize
        self.leaves = nodes.indices.filter { nodes[$0].isLeaf }
        self.slotPoints = slotPoints
        self.blocks = blocks
    }

    /// The squared distance between point i and the d coordinates at `y`, summed in order.
    private static func squaredDistance(_ x: [Double], _ d: Int, _ i: Int32, _ y: ArraySlice<Double>) -> Double {
        var sum = 0.0
        for j in 0..<d {
            let t = x[Int(i) * d + j] - y[y.startIndex + j]
            sum += t * t
        }
        return sum
    }

    private static func ball(_ ids: ArraySlice<Int32>, _ x: [Double], _ d: Int) -> (centre: [Double], radius: Double) {
        var centre = [Double](repeating: 0, count: d)
        for id in ids { for j in 0..<d { centre[j] += x[Int(id) * d + j] } }
        for j in 0..<d { centre[j] /= Double(ids.count) }
        let radius = ids.map { squaredDistance(x, d, $0, centre[...]) }.max() ?? 0
        return (centre, radius.squareRoot())
    }

    /// Splits `ids` in two by 2-means (three Lloyd steps from the point farthest from the centroid
    /// and the point farthest from that one), which keeps clusters whole and peels off outliers,
    /// so balls stay tight; when a side would get fewer than 1/200 of the points, or `balanced`
    /// (deep in the tree, bounding the depth), at the median of the projections on the line
    /// between the two means instead. Returns the ids, left side first, and its size.
    private static func split(_ ids: ArraySlice<Int32>, centre: [Double], _ x: [Double], _ d: Int,
                              balanced: Bool) -> (ids: [Int32], leftCount: Int) {
        func row(_ id: Int32) -> ArraySlice<Double> { x[(Int(id) * d)..<(Int(id) * d + d)] }
        func farthest(from y: ArraySlice<Double>) -> Int32 {
            var best = ids[ids.startIndex], bestDistance = -1.0
            for id in ids {
                let r = squaredDistance(x, d, id, y)
                if r > bestDistance { (best, bestDistance) = (id, r) }
            }
            return best
        }
        let a = farthest(from: centre[...])
        var means = [Array(row(a)), Array(row(farthest(from: row(a))))]
        var right = [Bool](repeating: false, count: ids.count)
        for _ in 0..<3 {
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: 2), counts = [0, 0]
            for (k, id) in ids.enumerated() {
                right[k] = squaredDistance(x, d, id, means[1][...]) < squaredDistance(x, d, id, means[0][...])
                let side = right[k] ? 1 : 0
                counts[side] += 1
                for j in 0..<d { sums[side][j] += x[Int(id) * d + j] }
            }
            guard counts[0] > 0, counts[1] > 0 else { break }
            means = (0..<2).map { side in sums[side].map { $0 / Double(counts[side]) } }
        }
        let rightCount = right.filter { $0 }.count
        if !balanced, min(rightCount, ids.count - rightCount) >= max(1, ids.count / 200) {
            return (zip(ids, right).filter { !$0.1 }.map(\.0) + zip(ids, right).filter { $0.1 }.map(\.0),
                    ids.count - rightCount)
        }
        let direction = (0..<d).map { means[1][$0] - means[0][$0] }
        let sorted = ids.map { id in ((0..<d).reduce(0.0) { $0 + x[Int(id) * d + $1] * direction[$1] }, id) }
            .sorted { $0 < $1 }
        return (sorted.map(\.1), ids.count / 2)
    }
}

extension FeatureBallTree {
    /// Runs `body` with raw views of the arrays.
    func withView<R>(_ body: (BallTreeView) -> R) -> R {
        nodes.withUnsafeBufferPointer { nodes in
        centres.withUnsafeBufferPointer { centres in
        radii.withUnsafeBufferPointer { radii in
        blocks.withUnsafeBufferPointer { blocks in
        points.withUnsafeBufferPointer { points in
        slotPoints.withUnsafeBufferPointer { slotPoints in
            body(BallTreeView(dimension: dimension, nodes: nodes.baseAddress!, centres: centres.baseAddress!,
                              radii: radii.baseAddress!, blocks: blocks.baseAddress!, points: points.baseAddress!,
                              slotPoints: slotPoints.baseAddress!))
        }}}}}}
    }

    /// A value per node from per-slot values: `leaf` over a leaf's real points' values, `merge`
    /// of the two children for inner nodes (children come after their parent in preorder).
    func perNode<T>(slots: [T], leaf: ([T]) -> T, merge: (T, T) -> T) -> [T] {
        var values = [T?](repeating: nil, count: nodes.count)
        for index in nodes.indices.reversed() {
            let node = nodes[index]
            if node.isLeaf {
                let range = Int(node.firstBlock) * Self.lanes..<Int(node.endBlock) * Self.lanes
                values[index] = leaf(range.filter { slotPoints[$0] >= 0 }.map { slots[$0] })
            } else {
                values[index] = merge(values[Int(node.left)]!, values[Int(node.right)]!)
            }
        }
        return values.map { $0! }
    }
}
