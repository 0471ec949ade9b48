import SplatMath

/// The pixels of one view that the codebook branch (confidence map, ID mapping and association
/// losses, METHOD.md §1.3(b)-(c)) reads when the view has more pixels than `LiftConfig.codebookPixels`:
/// that many, drawn uniformly without replacement (selection sampling, so they come out in
/// increasing order). Under gradient blocking that branch trains only the codebook, and every sum it
/// takes over the view's pixels (prototypes, the mapping's cost Σ_{u∈l} P_u[k], the losses' means
/// over Ω) is estimated without bias from the sample, at a fraction of the cost of the logits of
/// all L entries at every pixel.
struct CodebookPixelSample {
    /// The sampled pixels, increasing.
    private(set) var pixels: [Int32] = []
    /// Each sampled pixel's label, compacted over the labels the sample holds (so every compact
    /// label has a pixel, as the confidence map's prototypes need).
    private(set) var labels: [UInt16] = []
    /// The view's compact label of each sample label.
    private(set) var viewLabels: [Int] = []
    /// Sampled pixels per sample label.
    private(set) var areas: [Int] = []

    var pixelCount: Int { pixels.count }
    var labelCount: Int { viewLabels.count }

    /// Draws `count` (< the view's pixel count) distinct pixels of `view`.
    mutating func draw(from view: SegmentLabels, count: Int, rng: inout SplatRandom) {
        let n = view.pixelCount
        pixels.removeAll(keepingCapacity: true)
        pixels.reserveCapacity(count)
        var needed = count
        for u in 0..<n where needed > 0 {
            // Knuth's algorithm S: keep pixel u with probability needed / (pixels left).
            if rng.uniform() * Double(n - u) < Double(needed) {
                pixels.append(Int32(u))
                needed -= 1
            }
        }
        // Sample labels in the view's (sorted) label order, so the mapping's first L rows are the
        // same labels it would take from the whole view.
        var sampleLabel = [Int](repeating: -1, count: view.labelCount)
        for u in pixels { sampleLabel[Int(view.index[Int(u)])] = 0 }
        viewLabels.removeAll(keepingCapacity: true)
        for label in 0..<view.labelCount where sampleLabel[label] == 0 {
            sampleLabel[label] = viewLabels.count
            viewLabels.append(label)
        }
        areas = [Int](repeating: 0, count: viewLabels.count)
        labels = pixels.map { UInt16(sampleLabel[Int(view.index[Int($0)])]) }
        for label in labels { areas[Int(label)] += 1 }
    }

    /// Copies the sampled pixels' rows of a pixel-major `source` (`width` values per pixel).
    func gather(_ source: UnsafePointer<Float>, width: Int, into target: UnsafeMutablePointer<Float>) {
        for (s, u) in pixels.enumerated() {
            (target + s * width).update(from: source + Int(u) * width, count: width)
        }
    }

    /// Per view compact label, the codebook entry the sample's mapping gave it (`entries` indexed
    /// by sample label); -1 for a label the sample did not hold.
    func viewEntries(_ entries: [Int], viewLabelCount: Int) -> [Int] {
        var result = [Int](repeating: -1, count: viewLabelCount)
        for (s, label) in viewLabels.enumerated() { result[label] = entries[s] }
        return result
    }
}
