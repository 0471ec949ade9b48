import SplatMath

/// Stage 2 of `ObjectPipeline`: which codebook entries form one object, decided from the training views' own 2D masks after
/// training. This goes beyond METHOD.md §2, whose per-pixel id is the bare argmax: the per-view
/// Hungarian mapping (§1.3(c)) can leave one object with several entries (a mask split in some
/// views gets a second entry; a large object seen only partly per view can get one entry per
/// sector), and the argmax between near-identical entries then flickers from pixel to pixel.
///
/// The evidence is the masks themselves. Render every training view, take the argmax entry per
/// pixel and, for two groups a and b,
///
///     same(a, b) = Σ_views Σ_masks min(pixels of a in the mask, pixels of b in the mask)
///     both(a, b) = Σ_views min(pixels of a, pixels of b)          (pixels inside some mask)
///
/// where a mask counts only for pairs with its majority group. `same ≤ both`. When a and b are one
/// object, wherever both are seen they lie in the same masks and same ≈ both; two objects share
/// masks only where a mask merges them or along a 1-2 px border, so same ≪ both. Two minorities of
/// a third group's mask (stray pixels of two entries inside another object) say nothing about each
/// other, so such masks do not count for them: Gaussian voting relabels those pixels by the mask's
/// majority anyway (`GaussianVoting`), and merging the two could take away an object that one of
/// them is the majority of elsewhere. The closest pair (largest same/both, then largest same) is merged while
/// same/both > `agreement` and the evidence is not negligible: both ≥ `support`·min(area a, area b),
/// areas over all training views. Pixels outside every mask (label 0) are ignored. Entries no
/// training view renders belong to no object and are left out of every argmax.
public struct EntryGroups: Sendable, Equatable {
    /// One merge, in the order they were made.
    public struct Merge: Codable, Sendable, Equatable {
        /// The entries naming the two groups when they were merged (the larger group's first).
        public var kept: Int
        public var merged: Int
        public var same: Int
        public var both: Int
    }

    /// For every codebook entry, its group (named by the group's entry with the most training-view
    /// pixels), or −1 when no training view renders it.
    public var objectOfEntry: [Int32]
    /// Training-view pixels whose argmax is each entry.
    public var entryArea: [Int]
    public var merges: [Merge]

    public var entryCount: Int { objectOfEntry.count }

    /// The groups (their naming entries), ascending.
    public var groups: [Int32] { Array(Set(objectOfEntry.filter { $0 >= 0 })).sorted() }

    /// The entries of group `id`.
    public func members(of id: Int32) -> [Int] {
        id < 0 ? [] : objectOfEntry.indices.filter { objectOfEntry[$0] == id }
    }

    /// The codebook rows of the entries that belong to a group, and the group of each row: the
    /// argmax over these rows, mapped through `groupOfRow`, is the grouped id.
    public func activeRows(of codebook: Codebook) throws -> (codebook: Codebook, groupOfRow: [Int32]) {
        guard codebook.entryCount == entryCount else {
            throw SplatError("the entry groups cover \(entryCount) codebook entries, the codebook has \(codebook.entryCount)")
        }
        let rows = (0..<entryCount).filter { objectOfEntry[$0] >= 0 }
        guard !rows.isEmpty else { throw SplatError("no codebook entry wins a training pixel") }
        let values = rows.flatMap { codebook.entry($0) }
        return (try Codebook(entryCount: rows.count, featureCount: codebook.featureCount, values: values),
                rows.map { objectOfEntry[$0] })
    }
}

public enum EntryGrouping {
    /// Every rendered entry its own group (the stage switched off: the paper's argmax).
    public static func ungrouped(entryArea: [Int]) -> EntryGroups {
        EntryGroups(objectOfEntry: entryArea.indices.map { entryArea[$0] > 0 ? Int32($0) : -1 }, entryArea: entryArea, merges: [])
    }

    /// Groups the codebook entries from the training views' masks and their per-pixel argmax
    /// entries `ids[v]` (row-major).
    public static func build(masks: [SegmentLabels], ids: [[Int32]], entryCount: Int,
                             agreement: Double, support: Double, minimumShare: Double = 0) throws -> EntryGroups {
        let (histograms, area) = try histograms(masks: masks, ids: ids, entryCount: entryCount)
        return build(histograms, area: area, agreement: agreement, support: support, minimumShare: minimumShare)
    }

    /// Every view's per-mask entry counts and the entries' total areas.
    static func histograms(masks: [SegmentLabels], ids: [[Int32]], entryCount: Int) throws -> ([MaskHistogram], [Int]) {
        guard masks.count == ids.count else { throw SplatError("entry grouping: \(ids.count) id maps for \(masks.count) masks") }
        var area = [Int](repeating: 0, count: entryCount)
        var histograms: [MaskHistogram] = []
        for (mask, viewIDs) in zip(masks, ids) {
            guard viewIDs.count == mask.pixelCount else {
                throw SplatError("entry grouping: an id map of \(viewIDs.count) pixels for a \(mask.width)x\(mask.height) mask")
            }
            for id in viewIDs {
                guard id >= 0, Int(id) < entryCount else { throw SplatError("entry grouping: id \(id) outside the codebook") }
                area[Int(id)] += 1
            }
            histograms.append(MaskHistogram(ids: viewIDs, mask: mask, entryCount: entryCount))
        }
        return (histograms, area)
    }

    /// The grouping from every view's per-mask entry counts and the entries' total areas. With
    /// `families` (a family per entry), two groups that share no family merge only when
    /// same/both > `crossFamilyAgreement`.
    static func build(_ histograms: [MaskHistogram], area: [Int], agreement: Double, support: Double,
                      minimumShare: Double = 0, families: [Int]? = nil, crossFamilyAgreement: Double = 1) -> EntryGroups {
        let entryCount = area.count
        // Entries rendered somewhere get compact indices 0..<A for the dense A×A evidence tables.
        let active = (0..<entryCount).filter { area[$0] > 0 }
        var compact = [Int](repeating: -1, count: entryCount)
        for (c, e) in active.enumerated() { compact[e] = c }
        let views = histograms.map { $0.compacted(compact) }
        var groups = GroupTable(areas: active.map { area[$0] }, families: families.map { f in active.map { f[$0] } })
        var merges: [EntryGroups.Merge] = []
        while let pair = groups.closestPair(views, agreement: agreement, support: support, minimumShare: minimumShare,
                                            crossFamilyAgreement: crossFamilyAgreement) {
            let (kept, merged) = groups.merge(pair.a, pair.b)
            merges.append(EntryGroups.Merge(kept: active[kept], merged: active[merged], same: pair.same, both: pair.both))
        }
        // Each group is named by its member entry with the most pixels (the lowest on ties).
        var name = [Int: Int]()
        for (c, e) in active.enumerated() {
            let g = groups.representative[c]
            if let current = name[g], area[current] >= area[e] { continue }
            name[g] = e
        }
        var objectOfEntry = [Int32](repeating: -1, count: entryCount)
        for (c, e) in active.enumerated() { objectOfEntry[e] = Int32(name[groups.representative[c]]!) }
        return EntryGroups(objectOfEntry: objectOfEntry, entryArea: area, merges: merges)
    }
}

/// One view's (mask, entry) pixel counts over the pixels inside a mask.
struct MaskHistogram {
    /// Per mask: (entry, pixels) pairs, by ascending entry.
    var masks: [[(entry: Int, count: Int)]]

    init(ids: [Int32], mask: SegmentLabels, entryCount: Int) {
        let noMask = mask.values.firstIndex(of: 0)
        var counts: [Int: Int] = [:]
        for (u, label) in mask.index.enumerated() where Int(label) != noMask {
            counts[Int(label) &* entryCount &+ Int(ids[u]), default: 0] += 1
        }
        var byMask: [Int: [(entry: Int, count: Int)]] = [:]
        for (key, count) in counts { byMask[key / entryCount, default: []].append((key % entryCount, count)) }
        masks = byMask.keys.sorted().map { byMask[$0]!.sorted { $0.entry < $1.entry } }
    }

    init(masks: [[(entry: Int, count: Int)]]) { self.masks = masks }

    /// The same counts with entries renamed by `compact`.
    func compacted(_ compact: [Int]) -> MaskHistogram {
        MaskHistogram(masks: masks.map { $0.map { (compact[$0.entry], $0.count) } })
    }
}

/// Union of compact entries into groups, with the evidence of every pair of groups.
private struct GroupTable {
    var representative: [Int]
    var area: [Int]
    private var same: [Int]
    private var both: [Int]
    private var groupCount: [Int]

    /// Per group (at its representative), the families of its entries; nil without families.
    private var families: [Set<Int>]?

    init(areas: [Int], families: [Int]?) {
        self.families = families?.map { [$0] }
        let n = areas.count
        representative = Array(0..<n)
        area = areas
        same = [Int](repeating: 0, count: n * n)
        both = [Int](repeating: 0, count: n * n)
        groupCount = [Int](repeating: 0, count: n)
    }

    /// The pair of groups (a < b) to merge next with its evidence, or nil when none qualifies.
    mutating func closestPair(_ views: [MaskHistogram], agreement: Double, support: Double, minimumShare: Double,
                              crossFamilyAgreement: Double) -> (a: Int, b: Int, same: Int, both: Int)? {
        let n = representative.count
        for i in 0..<(n * n) { same[i] = 0; both[i] = 0 }
        var seen: [Int] = []
        var viewTotal = [Int](repeating: 0, count: n)
        for view in views {
            var viewGroups: [Int] = []
            for mask in view.masks {
                for (entry, count) in mask {
                    let g = representative[entry]
                    if viewTotal[g] == 0 { viewGroups.append(g) }
                    viewTotal[g] += count
                }
            }
            for mask in view.masks {
                seen.removeAll(keepingCapacity: true)
                for (entry, count) in mask {
                    let g = representative[entry]
                    if groupCount[g] == 0 { seen.append(g) }
                    groupCount[g] += count
                }
                // The mask's majority group (the lowest on ties) is the only one it speaks for.
                var major = seen[0]
                for g in seen where groupCount[g] > groupCount[major] || (groupCount[g] == groupCount[major] && g < major) {
                    major = g
                }
                // ... and only when it holds at least `minimumShare` of each group's pixels in the view.
                let majorHoldsShare = Double(groupCount[major]) >= minimumShare * Double(viewTotal[major])
                for a in seen where a != major && majorHoldsShare && Double(groupCount[a]) >= minimumShare * Double(viewTotal[a]) {
                    same[min(a, major) * n + max(a, major)] += min(groupCount[a], groupCount[major])
                }
                for g in seen { groupCount[g] = 0 }
            }
            for x in 0..<viewGroups.count {
                for y in (x + 1)..<viewGroups.count {
                    let a = viewGroups[x], b = viewGroups[y]
                    both[min(a, b) * n + max(a, b)] += min(viewTotal[a], viewTotal[b])
                }
            }
            for g in viewGroups { viewTotal[g] = 0 }
        }
        var best: (a: Int, b: Int, same: Int, both: Int)?
        for a in 0..<n where representative[a] == a {
            for b in (a + 1)..<n where representative[b] == b {
                let s = same[a * n + b], t = both[a * n + b]
                guard s > 0, Double(s) > agreement * Double(t),
                      Double(t) >= support * Double(min(area[a], area[b])) else { continue }
                if let families, families[a].isDisjoint(with: families[b]),
                   !(Double(s) > crossFamilyAgreement * Double(t)) { continue }
                // Largest same/both (compared exactly as s·t' > s'·t), then largest same.
                if let current = best {
                    let lhs = s * current.both, rhs = current.same * t
                    guard lhs > rhs || (lhs == rhs && s > current.same) else { continue }
                }
                best = (a, b, s, t)
            }
        }
        return best
    }

    /// Merges the group of smaller area into the other (ties: the lower index stays); returns
    /// (kept, merged) representatives.
    mutating func merge(_ a: Int, _ b: Int) -> (kept: Int, merged: Int) {
        let (kept, merged) = area[b] > area[a] ? (b, a) : (a, b)
        for i in representative.indices where representative[i] == merged { representative[i] = kept }
        area[kept] += area[merged]
        area[merged] = 0
        if let mergedFamilies = families?[merged] { families?[kept].formUnion(mergedFamilies) }
        return (kept, merged)
    }
}
