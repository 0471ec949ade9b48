import Testing
import SplatMath
@testable import SplatSynth

/// The SAM simulator on a hand-made 40×30 GT map: floor (1, background) with two touching objects
/// (2, 3; object 3 has two parts) and a separate object 4.
@Suite struct SamSimulatorTests {
    static let w = 40, h = 30
    static var gt: [Int32] {
        var m = [Int32](repeating: 1, count: w * h)
        for y in 5..<20 { for x in 3..<15 { m[y * w + x] = 2 } }
        for y in 8..<22 { for x in 15..<26 { m[y * w + x] = 3 } }
        for y in 10..<25 { for x in 30..<38 { m[y * w + x] = 4 } }
        return m
    }
    static var part: [Int32] {
        var p = gt
        for i in p.indices where p[i] == 3 && (i / w) >= 15 { p[i] = 30 }
        return p
    }
    static let isBackground: [Int32: Bool] = [1: true, 2: false, 3: false, 4: false]

    static func run(_ rates: SamCorruptionRates, seed: UInt64 = 1) -> SamMasks {
        var rng = SplatRandom(seed: seed)
        return SamSimulator.simulate(gt: gt, part: part, width: w, height: h, isBackground: isBackground,
                                     rates: rates, rng: &rng)
    }

    /// GT id → set of mask ids covering it, and mask id → set of GT ids.
    static func overlaps(_ sam: [Int32]) -> (gtToMask: [Int32: Set<Int32>], maskToGT: [Int32: Set<Int32>]) {
        var a: [Int32: Set<Int32>] = [:], b: [Int32: Set<Int32>] = [:]
        for (g, s) in zip(gt, sam) where s > 0 { a[g, default: []].insert(s); b[s, default: []].insert(g) }
        return (a, b)
    }

    @Test func zeroScaleIsARelabelledGT() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let masks = Self.run(SamCorruptionRates().scaled(by: 0), seed: seed)
            #expect(!masks.labels.contains(0))
            let (a, b) = Self.overlaps(masks.labels)
            #expect(a.count == 4 && a.values.allSatisfy { $0.count == 1 })
            #expect(b.count == 4 && b.values.allSatisfy { $0.count == 1 })
            #expect(Set(masks.labels) == Set(1...4))
        }
        // The relabelling is random per call.
        let ids = (1...10 as ClosedRange<UInt64>).map { Self.run(.none, seed: $0).labels[0] }
        #expect(Set(ids).count > 1)
    }

    @Test func mergeRateOneMergesTouchingObjectsOnly() {
        var r = SamCorruptionRates.none
        r.merge = 1
        let masks = Self.run(r)
        let (a, _) = Self.overlaps(masks.labels)
        #expect(a[2] == a[3])
        #expect(a[4] != a[2] && a[1] != a[2])
        #expect(masks.provenance.contains { $0.tag == "merge" && $0.src == [2, 3] })
    }

    @Test func splitRateOneSplitsEveryLargeMask() {
        var r = SamCorruptionRates.none
        r.split = 1
        for seed in 1...10 as ClosedRange<UInt64> {
            let masks = Self.run(r, seed: seed)
            let (a, b) = Self.overlaps(masks.labels)
            #expect(b.values.allSatisfy { $0.count == 1 }, "a split piece stays inside one instance")
            #expect(a.values.allSatisfy { $0.count >= 2 }, "every instance is split")
            #expect(masks.provenance.allSatisfy { $0.tag.hasPrefix("split_") })
        }
    }

    @Test func holesDropsAndJitterAppear() {
        var r = SamCorruptionRates.none
        r.hole = 1
        let holes = Self.run(r)
        #expect(holes.labels.contains(0))
        #expect(holes.provenance.contains { $0.tag.contains("hole") })
        r = .none
        r.drop = 1; r.dropLarge = 1; r.dropSmall = 1
        #expect(Self.run(r).labels.allSatisfy { $0 == 0 })
        r = .none
        r.jitter = 1
        let jittered = Self.run(r)
        #expect(jittered.provenance.allSatisfy { $0.tag.contains("erode") || $0.tag.contains("dilate") })
        // Some pixels now carry a neighbouring instance's mask, or none.
        var majority: [Int32: [Int32: Int]] = [:]
        for (g, s) in zip(Self.gt, jittered.labels) where s > 0 { majority[s, default: [:]][g, default: 0] += 1 }
        let owner = majority.mapValues { $0.max { $0.value < $1.value }?.key ?? 0 }
        #expect(zip(Self.gt, jittered.labels).contains { g, s in s == 0 || owner[s] != g })
    }

    @Test func idsAreContiguousAndProvenanceAreasMatch() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let masks = Self.run(SamCorruptionRates().scaled(by: 3), seed: seed)
            let ids = Set(masks.labels.filter { $0 > 0 })
            #expect(ids == Set((0..<masks.provenance.count).map { Int32($0 + 1) }))
            for p in masks.provenance {
                #expect(masks.labels.filter { $0 == Int32(p.id) }.count == p.area)
            }
        }
    }

    @Test func corruptionFrequenciesFollowTheRates() {
        var r = SamCorruptionRates.none
        r.merge = 0.3; r.split = 0.2; r.drop = 0.25
        var merged = 0, split4 = 0, dropped4 = 0
        let runs = 400
        for seed in 0..<UInt64(runs) {
            let masks = Self.run(r, seed: seed + 100)
            let (a, _) = Self.overlaps(masks.labels)
            if let m2 = a[2], let m3 = a[3], !m2.isDisjoint(with: m3) { merged += 1 }
            if a[4] == nil { dropped4 += 1 } else if (a[4]?.count ?? 0) > 1 { split4 += 1 }
        }
        // Object 4 is split only when it was not dropped: expected 0.75 · 0.2 = 0.15.
        #expect(abs(Double(dropped4) / Double(runs) - 0.25) < 0.07, "dropped \(dropped4)/\(runs)")
        #expect(abs(Double(split4) / Double(runs) - 0.15) < 0.06, "split \(split4)/\(runs)")
        // 2 and 3 share a mask when they merged (and the merged mask survived drop).
        #expect(abs(Double(merged) / Double(runs) - 0.3 * 0.75) < 0.07, "merged \(merged)/\(runs)")
    }
}
