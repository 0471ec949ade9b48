import SplatMath

/// Picking objects by id, by pixel, by 2D mask or by probability (pure functions on arrays).
public enum ObjectSelection {
    /// Marks the Gaussians whose object id is in `ids`.
    public static func gaussians(withIDs ids: Set<Int32>, objectIDs: [Int32]) -> [Bool] {
        objectIDs.map { ids.contains($0) }
    }

    /// The id under pixel (x, y) of a row-major `width`×`height` id map.
    public static func id(atX x: Int, y: Int, idMap: [Int32], width: Int, height: Int) throws -> Int32 {
        guard idMap.count == width * height else {
            throw SplatError("id map has \(idMap.count) pixels, expected \(width)x\(height)")
        }
        guard x >= 0, x < width, y >= 0, y < height else {
            throw SplatError("pixel (\(x), \(y)) is outside the \(width)x\(height) view")
        }
        return idMap[y * width + x]
    }

    /// The ids k of an id map with IoA_k = |{A = k} ∩ T| / |{A = k}| > `threshold` for the binary
    /// mask T (METHOD.md §4.1 `select_obj_ioa`, threshold 0.7), in ascending order.
    public static func ids(insideMask mask: [Bool], idMap: [Int32], threshold: Double = 0.7) throws -> [Int32] {
        guard mask.count == idMap.count else {
            throw SplatError("mask has \(mask.count) pixels but the id map has \(idMap.count)")
        }
        var area = [Int32: Int](), inside = [Int32: Int]()
        for i in 0..<idMap.count {
            area[idMap[i], default: 0] += 1
            if mask[i] { inside[idMap[i], default: 0] += 1 }
        }
        return area.keys.filter { Double(inside[$0] ?? 0) > threshold * Double(area[$0] ?? 0) }.sorted()
    }

    /// Marks the Gaussians whose probability for any selected id exceeds `threshold`
    /// (Gaussian Grouping's removal rule, threshold 0.3; METHOD.md §2). `probabilities` is
    /// row-major count × `classCount` (softmax of the codebook logits).
    public static func gaussians(probabilities: [Float], classCount: Int, selected: Set<Int32>,
                                 threshold: Float = 0.3) throws -> [Bool] {
        guard classCount > 0, probabilities.count % classCount == 0 else {
            throw SplatError("\(probabilities.count) probabilities do not split into rows of \(classCount) classes")
        }
        let columns = selected.filter { $0 >= 0 && Int($0) < classCount }.map(Int.init).sorted()
        return (0..<(probabilities.count / classCount)).map { i in
            columns.contains { probabilities[i * classCount + $0] > threshold }
        }
    }
}
