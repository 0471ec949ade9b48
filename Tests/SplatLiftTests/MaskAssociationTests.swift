import Foundation
import Testing
import SplatMath
import SplatRaster
@testable import SplatLift

/// Random sparse weights: `n` Gaussians over `views` views with `masksPerView` masks each.
private func randomWeights(seed: UInt64, n: Int = 40, views: Int = 4, masksPerView: Int = 3) -> MaskWeights {
    var rng = SplatRandom(seed: seed)
    let viewOfMask = (0..<(views * masksPerView)).map { $0 / masksPerView }
    var total = [Float](repeating: 0, count: views * n)
    var triples: [(gaussian: Int32, mask: Int32, weight: Float)] = []
    for i in 0..<n {
        let object = rng.int(below: masksPerView)       // the mask it mostly lies in, in every view
        for v in 0..<views where rng.int(below: 5) != 0 {
            let t = 0.1 + 3 * rng.uniformFloat()
            total[v * n + i] = t
            let main = rng.int(below: 6) == 0 ? rng.int(below: masksPerView) : object
            let share = 0.5 + 0.5 * rng.uniformFloat()
            triples.append((Int32(i), Int32(v * masksPerView + main), t * share))
            if share < 0.9 { triples.append((Int32(i), Int32(v * masksPerView + (main + 1) % masksPerView), t * (1 - share) / 2)) }
        }
    }
    return MaskWeights(gaussianCount: n, viewCount: views, viewOfMask: viewOfMask, total: total, triples: triples)
}

/// shared(m, m') and seen(m, b) summed Gaussian by Gaussian from dense tables.
private func referenceEvidence(_ w: MaskWeights) -> (shared: [Float], seen: [Float]) {
    let (n, views, masks) = (w.gaussianCount, w.viewCount, w.maskCount)
    var dense = [Float](repeating: 0, count: masks * n)
    for i in 0..<n { for k in w.start[i]..<w.start[i + 1] { dense[Int(w.mask[k]) * n + i] += w.weight[k] } }
    var shared = [Float](repeating: 0, count: masks * masks), seen = [Float](repeating: 0, count: masks * views)
    let minimum = MaskAssociation.minimumWeight
    for m in 0..<masks {
        let a = w.viewOfMask[m]
        for i in 0..<n where dense[m * n + i] > 0 && w.total[a * n + i] >= minimum {
            let ta = w.total[a * n + i], p = dense[m * n + i] / ta
            for b in 0..<views where b != a && w.total[b * n + i] >= minimum { seen[m * views + b] += p * min(ta, w.total[b * n + i]) }
            for m2 in 0..<masks where w.viewOfMask[m2] != a && dense[m2 * n + i] > 0 {
                let tb = w.total[w.viewOfMask[m2] * n + i]
                guard tb >= minimum else { continue }
                shared[m * masks + m2] += p * (dense[m2 * n + i] / tb) * min(ta, tb)
            }
        }
    }
    return (shared, seen)
}

/// Agglomeration recomputing every pair's score from the member masks each round.
private func referenceClusters(_ w: MaskWeights, agreement: Float) -> [Int] {
    let (shared, seen) = referenceEvidence(w)
    let (masks, views) = (w.maskCount, w.viewCount)
    var cluster = Array(0..<masks)
    let alive = (0..<masks).filter { m in (0..<views).contains { seen[m * views + $0] > 0 } }
    func ratio(_ c: [Int], _ d: [Int]) -> Float {
        let viewsOfD = Set(d.map { w.viewOfMask[$0] })
        var num: Float = 0, den: Float = 0
        for m in c {
            for m2 in d { num += shared[m * masks + m2] }
            for b in viewsOfD { den += seen[m * views + b] }
        }
        return den > 0 ? num / den : 0
    }
    while true {
        let groups = Dictionary(grouping: alive, by: { cluster[$0] })
        let keys = groups.keys.sorted()
        var best: (Int, Int, Float)?
        for (x, c) in keys.enumerated() {
            for d in keys[(x + 1)...] {
                let s = min(ratio(groups[c]!, groups[d]!), ratio(groups[d]!, groups[c]!))
                if s > agreement, s > best?.2 ?? 0 { best = (c, d, s) }
            }
        }
        guard let (c, d, _) = best else { return cluster }
        for m in cluster.indices where cluster[m] == d { cluster[m] = c }
    }
}

@Suite struct MaskAssociationTests {
    /// The per-Gaussian sparse sums equal the dense reference.
    @Test(arguments: 0..<6)
    func evidenceMatchesTheReference(seed: Int) {
        let w = randomWeights(seed: UInt64(seed) &+ 11)
        let (shared, seen) = w.evidence()
        let (refShared, refSeen) = referenceEvidence(w)
        for (a, b) in zip(shared + seen, refShared + refSeen) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
    }

    /// The incremental agglomeration makes the partition of the recompute-everything reference.
    @Test(arguments: 0..<6)
    func clustersMatchTheReference(seed: Int) {
        let w = randomWeights(seed: UInt64(seed) &+ 50)
        for agreement: Float in [0.3, 0.5] {
            var fast = MaskClusters(w)
            fast.merge(while: agreement)
            let slow = referenceClusters(w, agreement: agreement)
            // Same partition (cluster names may differ).
            for a in 0..<w.maskCount {
                for b in 0..<w.maskCount where w.viewOfMask[a] != w.viewOfMask[b] {
                    #expect((fast.clusterOfMask[a] == fast.clusterOfMask[b]) == (slow[a] == slow[b]), "seed \(seed) masks \(a) \(b)")
                }
            }
        }
    }

    /// Two touching objects (one connected blob of Gaussians, so splitting by space cannot cut it)
    /// that the masks keep apart in three views become two candidates, also when a fourth view's
    /// mask merges them; one mask over both in every view gives one candidate.
    @Test func masksSeparateTouchingObjects() throws {
        let (w, h) = (32, 24)
        let cameras = [-0.1, 0, 0.1, 0.05].map { x in
            PinholeCamera(width: w, height: h, fx: 30, fy: 30, cx: 16, cy: 12, translation: Vec3(-x, 0, 0))
        }
        var g = GaussianParams(count: 16, shDegree: 0, featureCount: 2)
        for i in 0..<16 {
            (g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2]) = (Float(i) * 0.09 - 0.7, 0, 3)
            for a in 0..<3 { g.logScales[3 * i + a] = log(0.08) }
            g.rotations[4 * i] = 1
            g.opacityLogits[i] = 3
        }
        let halves = try SegmentLabels(width: w, height: h, labels: (0..<(w * h)).map { $0 % w < w / 2 ? 4 : 9 })
        let swapped = try SegmentLabels(width: w, height: h, labels: (0..<(w * h)).map { $0 % w < w / 2 ? 2 : 1 })
        let merged = try SegmentLabels(width: w, height: h, labels: [Int32](repeating: 5, count: w * h))
        let apart = try MaskAssociation.candidates(g, cameras: cameras, masks: [halves, swapped, halves, merged],
                                                   backend: CPURasterizer(), agreement: 0.5, votes: .viewMajority,
                                                   threads: 1)
        #expect(Set(apart[0..<6]).count == 1 && Set(apart[10..<16]).count == 1 && apart[0] != apart[15])
        let together = try MaskAssociation.candidates(g, cameras: cameras, masks: [merged, merged, merged, merged],
                                                      backend: CPURasterizer(), agreement: 0.5, votes: .viewMajority,
                                                      threads: 1)
        #expect(Set(together).count == 1)
    }
}

@Suite struct AssociationVotingTests {
    /// A Gaussian on a thin object spills 45 % of its weight onto the floor's mask beside it. In
    /// three views the object has its own mask; in three more the segmenter missed it ("no mask"
    /// holds 55 %). Summed weights give the floor 2.7 against 1.65; each view's majority gives the
    /// object all three views that have a majority mask.
    @Test func eachViewVotesForItsMajoritySegment() {
        let views = 6
        // Masks: view v has the object at 2v and the floor at 2v + 1 (the object's unused where missed).
        let viewOfMask = (0..<(2 * views)).map { $0 / 2 }
        var triples: [(gaussian: Int32, mask: Int32, weight: Float)] = []
        for v in 0..<views {
            if v < 3 { triples.append((0, Int32(2 * v), 0.55)) }
            triples.append((0, Int32(2 * v + 1), 0.45))
        }
        let w = MaskWeights(gaussianCount: 1, viewCount: views, viewOfMask: viewOfMask,
                            total: [Float](repeating: 1, count: views), triples: triples)
        let clusterOfMask = viewOfMask.indices.map { $0 % 2 }     // cluster 0: the object, 1: the floor
        let eligible = [true, true]
        #expect(w.vote(clusterOfMask: clusterOfMask, eligible: eligible, rule: .weightSums) == [1])
        #expect(w.vote(clusterOfMask: clusterOfMask, eligible: eligible, rule: .viewMajority) == [0])
        // A view whose majority mask belongs to an ineligible cluster casts no vote: with the
        // object's cluster ineligible no view votes (the nearest voted Gaussian's is taken later).
        #expect(w.vote(clusterOfMask: clusterOfMask, eligible: [false, true], rule: .viewMajority) == [nil])
        #expect(w.vote(clusterOfMask: clusterOfMask, eligible: [true, false], rule: .viewMajority) == [0])
    }

    /// The view-majority vote equals a dense per-view reference on random weights.
    @Test(arguments: 0..<4)
    func viewMajorityMatchesTheReference(seed: Int) {
        let w = randomWeights(seed: UInt64(seed) &+ 90)
        var rng = SplatRandom(seed: UInt64(seed) &+ 91)
        let clusterOfMask = (0..<w.maskCount).map { _ in rng.int(below: 4) }
        let eligible = [true, true, false, true]
        let fast = w.vote(clusterOfMask: clusterOfMask, eligible: eligible, rule: .viewMajority)
        let (n, views) = (w.gaussianCount, w.viewCount)
        for i in 0..<n {
            var votes = [Float](repeating: 0, count: 4)
            for v in 0..<views {
                var perMask = [Int: Float]()
                for k in w.start[i]..<w.start[i + 1] where w.viewOfMask[Int(w.mask[k])] == v { perMask[Int(w.mask[k]), default: 0] += w.weight[k] }
                let t = w.total[v * n + i], none = t - perMask.values.reduce(0, +)
                guard let (m, top) = perMask.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
                      top >= none, eligible[clusterOfMask[m]] else { continue }
                votes[clusterOfMask[m]] += t
            }
            let best = votes.indices.max { votes[$0] != votes[$1] ? votes[$0] < votes[$1] : $0 > $1 }!
            #expect(fast[i] == (votes[best] > 0 ? Int32(best) : nil), "seed \(seed) Gaussian \(i)")
        }
    }
}
