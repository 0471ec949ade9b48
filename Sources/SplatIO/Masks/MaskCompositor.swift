/// Paints one image's overlapping binary masks into a label map.
public enum MaskCompositor {
    /// Masks with fewer than `minArea` pixels are left out (what lies under them shows through);
    /// the others are painted largest area first (equal areas in source order), so a smaller
    /// mask stays on top of a larger one it overlaps; a mask left with fewer than `minArea`
    /// visible pixels (or none) is then cleared to 0, like the pixels no mask covers. The
    /// remaining masks get ids 1...n in painting order (1 = the largest). All masks must be
    /// `width`x`height`.
    public static func compose(_ masks: [BinaryMask], width: Int, height: Int, minArea: Int) -> LabelMap {
        let threshold = max(minArea, 1)
        let order = masks.indices.filter { masks[$0].area >= threshold }
            .sorted { masks[$0].area != masks[$1].area ? masks[$0].area > masks[$1].area : $0 < $1 }
        var labels = [Int32](repeating: 0, count: width * height)
        labels.withUnsafeMutableBufferPointer { out in
            for (rank, m) in order.enumerated() {
                let label = Int32(rank + 1)
                masks[m].forEachSetPixel { out[$0] = label }
            }
        }
        var visible = [Int](repeating: 0, count: order.count + 1)
        for label in labels { visible[Int(label)] += 1 }
        var newID = [Int32](repeating: 0, count: order.count + 1)
        var next: Int32 = 0
        for label in 1..<visible.count where visible[label] >= threshold {
            next += 1
            newID[label] = next
        }
        for i in labels.indices { labels[i] = newID[Int(labels[i])] }
        return LabelMap(width: width, height: height, labels: labels)
    }
}
