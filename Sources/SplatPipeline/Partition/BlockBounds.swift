import SplatMath

/// A rectangle on the ground plane (`GroundPlane` coordinates u, v); a nil edge is unbounded
/// (the grid's outer edges, so no Gaussian of the scene falls outside every block).
public struct BlockBounds: Codable, Sendable, Equatable {
    public var minU: Double?
    public var maxU: Double?
    public var minV: Double?
    public var maxV: Double?

    public init(minU: Double?, maxU: Double?, minV: Double?, maxV: Double?) {
        self.minU = minU; self.maxU = maxU; self.minV = minV; self.maxV = maxV
    }

    /// Half-open: min ≤ u < max, so neighbouring blocks never share a point.
    public func contains(u: Double, v: Double) -> Bool {
        (minU.map { u >= $0 } ?? true) && (maxU.map { u < $0 } ?? true)
            && (minV.map { v >= $0 } ?? true) && (maxV.map { v < $0 } ?? true)
    }

    /// The bounds grown on every bounded side by `fraction` of the block's size, the size of an
    /// unbounded side measured to the scene's extent (`extent`: min and max u, v of the points).
    public func expanded(by fraction: Double, extent: (minU: Double, maxU: Double, minV: Double, maxV: Double)) -> BlockBounds {
        let sizeU = (maxU ?? extent.maxU) - (minU ?? extent.minU), sizeV = (maxV ?? extent.maxV) - (minV ?? extent.minV)
        return BlockBounds(minU: minU.map { $0 - fraction * sizeU }, maxU: maxU.map { $0 + fraction * sizeU },
                           minV: minV.map { $0 - fraction * sizeV }, maxV: maxV.map { $0 + fraction * sizeV })
    }

    /// The overlap of two rectangles, nil when they do not meet.
    public func intersection(_ other: BlockBounds) -> BlockBounds? {
        let lower = { (a: Double?, b: Double?) in [a, b].compactMap { $0 }.max() }
        let upper = { (a: Double?, b: Double?) in [a, b].compactMap { $0 }.min() }
        let result = BlockBounds(minU: lower(minU, other.minU), maxU: upper(maxU, other.maxU),
                                 minV: lower(minV, other.minV), maxV: upper(maxV, other.maxV))
        if let lo = result.minU, let hi = result.maxU, lo >= hi { return nil }
        if let lo = result.minV, let hi = result.maxV, lo >= hi { return nil }
        return result
    }
}

/// VastGaussian's progressive partition of the ground plane: `rows` slabs along u holding equal
/// point counts, then each slab cut along v into `columns` cells of equal point counts.
public enum ProgressivePartition {
    /// The cells, row-major (row along u, column along v); the outer edges are unbounded.
    public static func cells(_ points: [(u: Double, v: Double)], rows: Int, columns: Int) throws -> [BlockBounds] {
        guard rows >= 1, columns >= 1 else { throw SplatError("a block grid needs at least 1x1 blocks") }
        guard points.count >= rows * columns else {
            throw SplatError("\(points.count) points cannot fill \(rows)x\(columns) blocks")
        }
        let byU = points.sorted { $0.u < $1.u }
        var cells: [BlockBounds] = []
        for (r, (minU, maxU)) in cuts(byU.map(\.u), parts: rows).enumerated() {
            let slab = byU[slabRange(count: byU.count, part: r, parts: rows)].map(\.v).sorted()
            for (minV, maxV) in cuts(slab, parts: columns) {
                cells.append(BlockBounds(minU: minU, maxU: maxU, minV: minV, maxV: maxV))
            }
        }
        return cells
    }

    /// The edges between `parts` runs of equal count of the sorted `values`: midway between the
    /// last value of one run and the first of the next; nil outside.
    static func cuts(_ sorted: [Double], parts: Int) -> [(Double?, Double?)] {
        let edges: [Double] = (1..<max(parts, 1)).map { k in
            let i = k * sorted.count / parts
            return (sorted[i - 1] + sorted[i]) / 2
        }
        return (0..<parts).map { k in (k == 0 ? nil : edges[k - 1], k == parts - 1 ? nil : edges[k]) }
    }

    static func slabRange(count: Int, part: Int, parts: Int) -> Range<Int> {
        (part * count / parts)..<((part + 1) * count / parts)
    }
}
