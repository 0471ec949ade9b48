import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatLift

/// The obvious version of `ObjectGrouping.build`: every round recounts the evidence pixel by pixel.
private func referenceGrouping(ids: [[Int32]], masks: [[Int32]], entryCount: Int, agreement: Double,
                               support: Double, minimumShare: Double = 0) -> [Int32] {
    var group = (0..<entryCount).map { $0 }
    var area = [Int](repeating: 0, count: entryCount)
    for view in ids { for id in view { area[Int(id)] += 1 } }
    while true {
        var same: [Int: Int] = [:], both: [Int: Int] = [:]
        var groupArea = [Int](repeating: 0, count: entryCount)
        for e in 0..<entryCount { groupArea[group[e]] += area[e] }
        for (view, mask) in zip(ids, masks) {
            var inMask: [Int32: [Int: Int]] = [:], total: [Int: Int] = [:]
            for (u, label) in mask.enumerated() where label != 0 {
                inMask[label, default: [:]][group[Int(view[u])], default: 0] += 1
                total[group[Int(view[u])], default: 0] += 1
            }
            // Pairs with the mask's majority group only (the lowest group on ties), and only when
            // the mask holds at least `minimumShare` of both groups' pixels in the view.
            for counts in inMask.values {
                let major = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
                guard Double(major.value) >= minimumShare * Double(total[major.key]!) else { continue }
                for (a, ca) in counts where a != major.key && Double(ca) >= minimumShare * Double(total[a]!) {
                    same[min(a, major.key) * entryCount + max(a, major.key), default: 0] += min(ca, major.value)
                }
            }
            for (a, ca) in total { for (b, cb) in total where a < b { both[a * entryCount + b, default: 0] += min(ca, cb) } }
        }
        var best: (ratio: Double, same: Int, a: Int, b: Int)?
        for (key, s) in same.sorted(by: { $0.key < $1.key }) {
            let (a, b) = (key / entryCount, key % entryCount), t = both[key]!
            let ratio = Double(s) / Double(t)
            guard ratio > agreement, Double(t) >= support * Double(min(groupArea[a], groupArea[b])) else { continue }
            if let current = best, (ratio, s) <= (current.ratio, current.same) { continue }
            best = (ratio, s, a, b)
        }
        guard let best else { break }
        let (kept, merged) = groupArea[best.b] > groupArea[best.a] ? (best.b, best.a) : (best.a, best.b)
        for e in 0..<entryCount where group[e] == merged { group[e] = kept }
    }
    // Name each group by its member with the most pixels (lowest entry on ties); unrendered: −1.
    var name: [Int: Int] = [:]
    for e in 0..<entryCount where area[e] > 0 {
        if let current = name[group[e]], area[current] >= area[e] { continue }
        name[group[e]] = e
    }
    return (0..<entryCount).map { area[$0] > 0 ? Int32(name[group[$0]]!) : -1 }
}

private func labels(_ rows: [[Int32]]) throws -> SegmentLabels {
    try SegmentLabels(width: rows[0].count, height: rows.count, labels: rows.flatMap { $0 })
}

private func grouping(_ ids: [[[Int32]]], _ masks: [[[Int32]]], entries: Int = 8) throws -> EntryGroups {
    let maps = try masks.map(labels)
    return try EntryGrouping.build(masks: maps, ids: ids.map { $0.flatMap { $0 } }, entryCount: entries,
                                   agreement: 0.5, support: 0.05)
}

@Suite struct EntryGroupingTests {
    /// Two entries interleaved inside one mask in every view are one object; a neighbour in its
    /// own mask, touching it, stays apart; an entry no view renders belongs to no object.
    @Test func duplicatesMergeNeighboursStay() throws {
        let mask: [[Int32]] = [[1, 1, 1, 2, 2], [1, 1, 1, 2, 2]]
        let ids: [[Int32]] = [[3, 5, 3, 7, 7], [5, 3, 5, 7, 7]]
        let result = try grouping([ids, ids], [mask, mask])
        #expect(result.objectOfEntry[3] == result.objectOfEntry[5])
        #expect(result.objectOfEntry[7] == 7)
        #expect(result.objectOfEntry[3] != 7)
        #expect(result.objectOfEntry[0] == -1)
        #expect(result.groups == [3, 7])      // 3 and 5 tie at 6 pixels: the lower entry names it
        #expect(result.merges.count == 1)
    }

    /// An object seen in sectors (one entry in the first views, another in the last) is joined by
    /// the view where both sectors share its mask.
    @Test func sectorsJoinThroughATransitionView() throws {
        let mask: [[Int32]] = [[4, 4, 4, 4], [9, 9, 9, 9]]
        let first: [[Int32]] = [[1, 1, 1, 1], [6, 6, 6, 6]]
        let transition: [[Int32]] = [[1, 1, 2, 2], [6, 6, 6, 6]]
        let last: [[Int32]] = [[2, 2, 2, 2], [6, 6, 6, 6]]
        let result = try grouping([first, first, transition, last, last], Array(repeating: mask, count: 5))
        #expect(result.objectOfEntry[1] == result.objectOfEntry[2])
        #expect(result.objectOfEntry[6] == 6)
    }

    /// A large object that shows up only as a speck inside another object's mask, in the few
    /// views where both are seen, is not merged: that evidence is under `support` of its area.
    @Test func aSpeckOfALargeObjectIsNotEnough() throws {
        let mask: [[Int32]] = [[1, 1, 1, 1], [1, 1, 1, 1]]
        let speck: [[Int32]] = [[2, 2, 2, 2], [2, 2, 2, 3]]
        let two: [[Int32]] = [[2, 2, 2, 2], [2, 2, 2, 2]]
        let three: [[Int32]] = [[3, 3, 3, 3], [3, 3, 3, 3]]
        let views = [speck] + Array(repeating: two, count: 5) + Array(repeating: three, count: 5)
        let result = try grouping(views, Array(repeating: mask, count: views.count))
        #expect(result.objectOfEntry[2] == 2 && result.objectOfEntry[3] == 3)
        // With enough shared views the same two entries are one object.
        let many = Array(repeating: speck, count: 6) + Array(repeating: two, count: 5) + Array(repeating: three, count: 5)
        let shared = try grouping(many, Array(repeating: mask, count: many.count))
        #expect(shared.objectOfEntry[2] == shared.objectOfEntry[3])
    }

    /// Entry 4 is a pebble's own entry (the majority of its mask) and stray pixels inside the
    /// lamp's mask (entry 5) and the box's (entry 3), where entry 5 strays too. Counting the box's
    /// mask for the pair (4, 5) would give same/both = (2 + 2)/7 > 0.5 and merge the pebble into the
    /// lamp; two minorities of one mask say nothing about each other, so only the lamp's mask
    /// counts (2/7) and the three objects stay apart.
    @Test func minoritiesOfAnotherMaskAreNotEvidence() throws {
        let mask: [[Int32]] = [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3]]
        let ids: [[Int32]] = [[5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 5, 5, 4, 4, 4]]
        let result = try grouping([ids, ids], [mask, mask])
        #expect(result.objectOfEntry[3] == 3 && result.objectOfEntry[4] == 4 && result.objectOfEntry[5] == 5)
        #expect(result.merges.isEmpty)
    }

    /// A thin ring on a floor renders thinner than its mask, so the floor is the majority of the
    /// ring's own mask (3 of its 5 pixels) and, counted in pixels, the mask says "one object"
    /// with all of the ring's pixels. It holds 3% of the floor's pixels in the view: with a 5%
    /// share needed it is no evidence, and the ring stays an object.
    @Test func aMaskHoldingASliverOfItsMajorityIsNoEvidence() throws {
        var mask = [[Int32]](repeating: [Int32](repeating: 1, count: 20), count: 5)
        var ids = [[Int32]](repeating: [Int32](repeating: 1, count: 20), count: 5)
        for x in 8..<13 { mask[2][x] = 2 }
        ids[2][9] = 2; ids[2][11] = 2
        let maps = try [mask, mask].map(labels)
        let flat = [ids, ids].map { $0.flatMap { $0 } }
        let counted = try EntryGrouping.build(masks: maps, ids: flat, entryCount: 4, agreement: 0.5, support: 0.05)
        #expect(counted.objectOfEntry[2] == 1)
        let shared = try EntryGrouping.build(masks: maps, ids: flat, entryCount: 4, agreement: 0.5, support: 0.05,
                                             minimumShare: 0.05)
        #expect(shared.objectOfEntry[1] == 1 && shared.objectOfEntry[2] == 2)
    }

    /// Pixels outside every mask (label 0) carry no evidence.
    @Test func unmaskedPixelsAreIgnored() throws {
        let mask: [[Int32]] = [[0, 0, 0, 0], [5, 5, 6, 6]]
        let ids: [[Int32]] = [[1, 2, 1, 2], [1, 1, 2, 2]]
        let result = try grouping([ids, ids], [mask, mask])
        #expect(result.objectOfEntry[1] == 1 && result.objectOfEntry[2] == 2)
    }

    /// The dense-table version makes the same merges as the pixel-by-pixel reference on random
    /// scenes built to contain duplicates, sectors and noise.
    @Test(arguments: 0..<12)
    func matchesTheReference(seed: Int) throws {
        var rng = SplatRandom(seed: UInt64(seed) &+ 100)
        let (width, height, views, entries) = (14, 9, 5, 12)
        var masks: [[Int32]] = [], ids: [[Int32]] = []
        for _ in 0..<views {
            var mask = [Int32](repeating: 0, count: width * height), id = [Int32](repeating: 0, count: width * height)
            let cut = 3 + rng.int(below: 8)
            for y in 0..<height {
                for x in 0..<width {
                    let label: Int32 = x < cut ? 1 : (y < height / 2 ? 2 : 3)
                    mask[y * width + x] = rng.int(below: 10) == 0 ? 0 : label
                    // Each mask's object has two candidate entries; some pixels are noise.
                    let object = Int(label) * 3
                    id[y * width + x] = Int32(rng.int(below: 8) == 0 ? rng.int(below: entries)
                                              : object + rng.int(below: 2))
                }
            }
            masks.append(mask)
            ids.append(id)
        }
        let maps = try masks.map { try SegmentLabels(width: width, height: height, labels: $0) }
        for (agreement, support, share) in [(0.5, 0.05, 0.0), (0.3, 0.0, 0.0), (0.7, 0.2, 0.0), (0.5, 0.05, 0.05), (0.3, 0.0, 0.3)] {
            let fast = try EntryGrouping.build(masks: maps, ids: ids, entryCount: entries, agreement: agreement, support: support,
                                               minimumShare: share)
            let slow = referenceGrouping(ids: ids, masks: masks, entryCount: entries, agreement: agreement, support: support,
                                         minimumShare: share)
            #expect(fast.objectOfEntry == slow, "seed \(seed), agreement \(agreement), support \(support), share \(share)")
        }
    }

    /// Grouped ids: the argmax over the entries that objects own, named by their object.
    @Test func groupedArgmax() throws {
        let codebook = try Codebook(entryCount: 4, featureCount: 2, values: [1, 0, 0, 1, 0.8, 0.8, -1, 0])
        // Entries 0 and 2 are object 1, entry 1 object 2; entry 3 belongs to none.
        let table = ObjectTableTests.table(entries: [[0, 2], [1]], entryCount: 4)
        // Pixel features: nearest entry 2 → object 1; nearest entry 3 (no object) → the best owned entry.
        let features: [Float] = [1, -1, 0.9, 0.1]       // planar: x of both pixels, then y
        #expect(try LiftInference.pixelIDs(features: features, pixelCount: 2, codebook: codebook, table: table) == [1, 2])
        #expect(try LiftInference.pixelIDs(features: features, pixelCount: 2, codebook: codebook) == [2, 3])
        #expect(table.objectOfEntry == [1, 2, 1, 0])
    }
}
