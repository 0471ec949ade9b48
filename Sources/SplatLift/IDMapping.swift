import SplatMath

/// The per-view ID mapping of Unified-Lift (METHOD.md §1.3(c), `create_virtual_gt_with_linear_assignment`):
/// every 2D label of the view gets a distinct codebook entry by a linear assignment on the summed
/// (or, for Panoptic Lifting, averaged) softmax probabilities.
public enum IDMapping {
    /// The cost K[l,k] (rows × entries, row-major) from `probabilitySums[l*entries + k]` = Σ_{u∈l} P_u[k]:
    /// `.area` gives −sum, `.mean` gives −sum/(area_l + 1e-4).
    public static func costMatrix(probabilitySums: [Double], rows: Int, entries: Int, areas: [Int],
                                  mode: IDMappingCost) -> [Double] {
        var cost = [Double](repeating: 0, count: rows * entries)
        for l in 0..<rows {
            let scale = mode == .area ? -1.0 : -1.0 / (Double(areas[l]) + 1e-4)
            for k in 0..<entries { cost[l * entries + k] = probabilitySums[l * entries + k] * scale }
        }
        return cost
    }

    /// The codebook entry of every compact label (`labelCount` of them, sorted label values): the
    /// first `rows = min(labelCount, entries)` labels are assigned by the Hungarian method; labels
    /// beyond the codebook size fall back to entry 0.
    public static func pseudoEntries(probabilitySums: [Double], labelCount: Int, entries: Int, areas: [Int],
                                     mode: IDMappingCost) -> [Int] {
        let rows = min(labelCount, entries)
        let cost = costMatrix(probabilitySums: probabilitySums, rows: rows, entries: entries, areas: areas, mode: mode)
        let assignment = LinearAssignment.solve(cost: cost, rows: rows, cols: entries)
        var result = [Int](repeating: 0, count: labelCount)
        for l in 0..<rows { result[l] = max(assignment[l], 0) }
        return result
    }
}
