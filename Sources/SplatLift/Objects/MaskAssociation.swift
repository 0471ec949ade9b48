import SplatMath
import SplatRaster

/// Candidate objects from the training masks themselves, associated across views through the
/// Gaussians they cover (`ObjectSettings.candidates == .masks`; the multi-view mask association of
/// later methods, ANCHORS.md §F, on the trained 3DGS geometry). It needs no identity features, so
/// it holds where the features of small objects never separate.
///
/// Per view v and mask m, W_v(m, i) is Gaussian i's blending weight on m's pixels (`LabelWeights`),
/// t_v(i) its weight on the whole view and p_v(m|i) = W_v(m, i)/t_v(i). For masks m (view a) and
/// m' (view b ≠ a), over the Gaussians seen in both views (t ≥ `minimumWeight`),
///
///     shared(m, m') = Σ_i p_a(m|i)·p_b(m'|i)·min(t_a(i), t_b(i))
///     seen(m, b)    = Σ_i p_a(m|i)·min(t_a(i), t_b(i))
///
/// r(m → m') = shared/seen(m, b) is the share of m's Gaussians seen in view b that lie in m'.
/// Clusters of masks merge, closest first, while min(r(C → D), r(D → C)) > `agreement`, with the
/// sums taken over the clusters' masks and, for seen(C, ·), over the views where D has a mask. A mask
/// that merges two objects in one view joins the larger one (r from it is its share) and carries
/// no evidence between the two.
///
/// Every Gaussian then takes a cluster among those with masks in at least `minimumViews` views
/// (`ObjectSettings.AssociationVotes`). By default each view votes, with t_v(i), for the segment
/// holding most of the Gaussian's weight there ("no mask" and the masks of clusters in fewer views
/// vote for nothing): a Gaussian of a thin object, whose footprint spills onto the floor's mask
/// beside it, still votes for its object in every view that masks the object. The alternative is
/// the cluster holding most of its weight, Σ_v Σ_{m ∈ C} W_v(m, i), where the spill onto the
/// floor's masks in every view can outweigh the object's own masks. Gaussians in no such mask take
/// the nearest such Gaussian's.
enum MaskAssociation {
    /// Gaussians with less total weight in a view than this (in pixels) count as unseen there.
    static let minimumWeight: Float = 0.05
    /// A cluster stands for an object only when its masks come from at least this many views (as a
    /// part split off by space must be the majority of 3 masks, `ObjectSettings.splitMinimumMasks`):
    /// what one or two views alone say (a spurious mask, a split half) wins no Gaussian.
    static let minimumViews = 3

    /// Each Gaussian's candidate object (a cluster number).
    static func candidates(_ gaussians: GaussianParams, cameras: [PinholeCamera], masks: [SegmentLabels],
                           backend: RasterBackend, agreement: Double, votes: ObjectSettings.AssociationVotes,
                           threads: Int) throws -> [Int32] {
        let weights = try MaskWeights(gaussians, cameras: cameras, masks: masks, backend: backend, threads: threads)
        var clusters = MaskClusters(weights)
        clusters.merge(while: Float(agreement))
        let voted = weights.vote(clusterOfMask: clusters.clusterOfMask, eligible: clusters.viewCounts.map { $0 >= minimumViews },
                                 rule: votes)
        return try GaussianVoting.fillUnseen(voted, means: gaussians.means) {
            throw SplatError("mask association: no Gaussian is seen in any training mask")
        }
    }
}

/// The sparse W_v(m, i) of every training view, grouped by Gaussian, and t_v(i).
struct MaskWeights {
    let gaussianCount: Int, viewCount: Int, maskCount: Int
    /// View of every global mask number (masks of view v are numbered from `firstMask[v]`).
    let viewOfMask: [Int]
    /// t_v(i) at v·n + i.
    let total: [Float]
    /// Per Gaussian (CSR: `start[i]..<start[i+1]`), its (global mask, weight) pairs.
    let start: [Int], mask: [Int32], weight: [Float]

    init(_ gaussians: GaussianParams, cameras: [PinholeCamera], masks: [SegmentLabels], backend: RasterBackend,
         threads: Int) throws {
        let n = gaussians.count
        var firstMask = [Int](), viewOfMask = [Int]()
        for (v, labels) in masks.enumerated() {
            firstMask.append(viewOfMask.count)
            viewOfMask += [Int](repeating: v, count: labels.labelCount)
        }
        var total = [Float](repeating: 0, count: cameras.count * n)
        var triples: [(gaussian: Int32, mask: Int32, weight: Float)] = []
        for (v, camera) in cameras.enumerated() {
            let labels = masks[v]
            try LabelWeights.forEachLabel(gaussians, camera: camera, backend: backend, threads: threads,
                                          labels: { _ in labels.index.map { Int32($0) } }) { segment, weights in
                let isMask = labels.values[Int(segment)] != 0
                for i in 0..<n where weights[i] > 0 {
                    total[v * n + i] += weights[i]
                    if isMask { triples.append((Int32(i), Int32(firstMask[v] + Int(segment)), weights[i])) }
                }
            }
        }
        self.init(gaussianCount: n, viewCount: cameras.count, viewOfMask: viewOfMask, total: total, triples: triples)
    }

    /// From W_v(m, i) as (Gaussian, global mask, weight) triples, each Gaussian's in view order, and
    /// t_v(i) at v·n + i.
    init(gaussianCount n: Int, viewCount: Int, viewOfMask: [Int], total: [Float], triples: [(gaussian: Int32, mask: Int32, weight: Float)]) {
        var start = [Int](repeating: 0, count: n + 1)
        for t in triples { start[Int(t.gaussian) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start, mask = [Int32](repeating: 0, count: triples.count), weight = [Float](repeating: 0, count: triples.count)
        for t in triples {
            let k = fill[Int(t.gaussian)]
            mask[k] = t.mask; weight[k] = t.weight
            fill[Int(t.gaussian)] += 1
        }
        self.gaussianCount = n; self.viewCount = viewCount; self.maskCount = viewOfMask.count
        self.viewOfMask = viewOfMask; self.total = total; self.start = start; self.mask = mask; self.weight = weight
    }

    /// shared(m, m') (maskCount², row-major) and seen(m, b) (maskCount × viewCount).
    func evidence() -> (shared: [Float], seen: [Float]) {
        let (n, views, masks) = (gaussianCount, viewCount, maskCount)
        var shared = [Float](repeating: 0, count: masks * masks), seen = [Float](repeating: 0, count: masks * views)
        var seenViews: [(view: Int, weight: Float)] = []
        for i in 0..<n {
            let range = start[i]..<start[i + 1]
            guard !range.isEmpty else { continue }
            seenViews.removeAll(keepingCapacity: true)
            for v in 0..<views where total[v * n + i] >= MaskAssociation.minimumWeight { seenViews.append((v, total[v * n + i])) }
            for a in range {
                let va = viewOfMask[Int(mask[a])], ta = total[va * n + i]
                guard ta >= MaskAssociation.minimumWeight else { continue }
                let pa = weight[a] / ta, ma = Int(mask[a])
                for (vb, tb) in seenViews where vb != va { seen[ma * views + vb] += pa * min(ta, tb) }
                for b in range {
                    let vb = viewOfMask[Int(mask[b])], tb = total[vb * n + i]
                    guard vb != va, tb >= MaskAssociation.minimumWeight else { continue }
                    shared[ma * masks + Int(mask[b])] += pa * (weight[b] / tb) * min(ta, tb)
                }
            }
        }
        return (shared, seen)
    }

    /// Each Gaussian's cluster among the `eligible` ones (nil: in no eligible cluster's mask), by `rule`.
    func vote(clusterOfMask: [Int], eligible: [Bool], rule: ObjectSettings.AssociationVotes) -> [Int32?] {
        (0..<gaussianCount).map { i in
            var votes = [Int: Float]()
            switch rule {
            case .weightSums:
                for k in start[i]..<start[i + 1] where eligible[clusterOfMask[Int(mask[k])]] {
                    votes[clusterOfMask[Int(mask[k])], default: 0] += weight[k]
                }
            case .viewMajority:
                // Entries are in view order: one run per view.
                var k = start[i]
                while k < start[i + 1] {
                    let v = viewOfMask[Int(mask[k])]
                    var inMasks: Float = 0, best = -1, bestWeight: Float = 0
                    while k < start[i + 1] && viewOfMask[Int(mask[k])] == v {
                        inMasks += weight[k]
                        if weight[k] > bestWeight { (best, bestWeight) = (Int(mask[k]), weight[k]) }
                        k += 1
                    }
                    let t = total[v * gaussianCount + i]
                    guard best >= 0, bestWeight >= t - inMasks, eligible[clusterOfMask[best]] else { continue }
                    votes[clusterOfMask[best], default: 0] += t
                }
            }
            return votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }.map { Int32($0.key) }
        }
    }
}

/// Agglomerative clustering of the masks on min(r(C → D), r(D → C)).
struct MaskClusters {
    private let views: Int
    private var shared: [Float], seen: [Float], hasView: [Bool]
    private var alive: [Bool]
    private(set) var clusterOfMask: [Int]

    init(_ weights: MaskWeights) {
        let (shared, seen) = weights.evidence()
        views = weights.viewCount
        self.shared = shared; self.seen = seen
        let count = weights.maskCount
        hasView = [Bool](repeating: false, count: count * views)
        for m in 0..<count { hasView[m * views + weights.viewOfMask[m]] = true }
        // Masks no Gaussian is seen in (and the "no mask" segments) take part in nothing.
        let viewCount = views
        alive = (0..<count).map { m in (0..<viewCount).contains { seen[m * viewCount + $0] > 0 } }
        clusterOfMask = Array(0..<count)
    }

    /// Per cluster (at its representative mask), the views its masks come from.
    var viewCounts: [Int] {
        (0..<clusterOfMask.count).map { c in (0..<views).filter { hasView[c * views + $0] }.count }
    }

    /// r(c → d): the share of c's Gaussians, seen in the views where d has a mask, that lie in d.
    private func ratio(_ c: Int, _ d: Int) -> Float {
        var denominator: Float = 0
        for b in 0..<views where hasView[d * views + b] { denominator += seen[c * views + b] }
        return denominator > 0 ? shared[c * clusterOfMask.count + d] / denominator : 0
    }

    private func score(_ c: Int, _ d: Int) -> Float { min(ratio(c, d), ratio(d, c)) }

    /// Merges the closest pair while its score exceeds `agreement`.
    mutating func merge(while agreement: Float) {
        let count = clusterOfMask.count
        var best = [(partner: Int, score: Float)](repeating: (-1, 0), count: count)
        func refresh(_ c: Int) {
            best[c] = (-1, 0)
            for d in 0..<count where d != c && alive[d] {
                let s = score(c, d)
                if s > best[c].score { best[c] = (d, s) }
            }
        }
        for c in 0..<count where alive[c] { refresh(c) }
        while true {
            var pick = -1
            for c in 0..<count where alive[c] && best[c].partner >= 0 && (pick < 0 || best[c].score > best[pick].score) { pick = c }
            guard pick >= 0, best[pick].score > agreement else { return }
            let (kept, merged) = (min(pick, best[pick].partner), max(pick, best[pick].partner))
            absorb(merged, into: kept)
            for c in 0..<count where alive[c] {
                if c == kept || best[c].partner == kept || best[c].partner == merged { refresh(c); continue }
                let s = score(c, kept)
                if s > best[c].score { best[c] = (kept, s) }
            }
        }
    }

    private mutating func absorb(_ d: Int, into c: Int) {
        let count = clusterOfMask.count
        for x in 0..<count {
            shared[c * count + x] += shared[d * count + x]
            shared[x * count + c] += shared[x * count + d]
        }
        shared[c * count + c] = 0
        for b in 0..<views {
            seen[c * views + b] += seen[d * views + b]
            hasView[c * views + b] = hasView[c * views + b] || hasView[d * views + b]
        }
        alive[d] = false
        for m in clusterOfMask.indices where clusterOfMask[m] == d { clusterOfMask[m] = c }
    }
}
