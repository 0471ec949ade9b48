#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// Where one simulated SAM mask came from (for evaluation and debugging; methods must not read it).
public struct SamMaskProvenance: Sendable, Equatable, Codable {
    /// The mask id in its view (1...M).
    public var id: Int
    /// GT instance ids the mask covers (several after a merge).
    public var src: [Int]
    /// "ok", "merge", "split_parts", "split_line", "spurious", with "+erode1", "+dilate2", "+hole" appended.
    public var tag: String
    /// Final pixel count.
    public var area: Int
}

/// Simulated SAM automatic masks of one view: the GT map, corrupted at random and renumbered.
public struct SamMasks: Sendable {
    /// Per-view mask ids 1...M (a random permutation), 0 = in no mask.
    public var labels: [Int32]
    public var provenance: [SamMaskProvenance]
}

/// Turns a GT instance map into inconsistent per-view masks: merges of touching instances, splits along
/// composite parts or a random image line, missed (small / large background) masks, holes, 1–2 px
/// boundary erosion or dilation, spurious blobs, then a random relabelling (gen_scene.py's model, simpler).
public enum SamSimulator {
    struct Segment { var mask: [Bool]; var sources: [Int32]; var tag: String; var hole: Bool }

    public static func simulate(gt: [Int32], part: [Int32], width w: Int, height h: Int,
                                isBackground: [Int32: Bool], rates: SamCorruptionRates,
                                rng: inout SplatRandom) -> SamMasks {
        let npx = w * h
        let minArea = max(3, Int((Double(npx) * 1e-4).rounded()))
        let smallArea = max(6, Int((Double(npx) * 2e-3).rounded()))
        let ids = Array(Set(gt.filter { $0 > 0 })).sorted()

        // Pixel-adjacency counts between instances, in a fixed order.
        var contacts: [UInt64: Int] = [:]
        for y in 0..<h {
            for x in 0..<w {
                let a = gt[y * w + x]
                for (nx, ny) in [(x + 1, y), (x, y + 1)] where nx < w && ny < h {
                    let b = gt[ny * w + nx]
                    if a != b && a > 0 && b > 0 {
                        contacts[UInt64(min(a, b)) << 32 | UInt64(max(a, b)), default: 0] += 1
                    }
                }
            }
        }
        var parent = Dictionary(uniqueKeysWithValues: ids.map { ($0, $0) })
        func find(_ x: Int32) -> Int32 {
            var x = x
            while let p = parent[x], p != x { parent[x] = parent[p] ?? p; x = p }
            return x
        }
        for key in contacts.keys.sorted() where (contacts[key] ?? 0) >= 3 {
            let a = Int32(key >> 32), b = Int32(key & 0xFFFF_FFFF)
            let bgA = isBackground[a] ?? false, bgB = isBackground[b] ?? false
            let p = bgA && bgB ? 0 : (bgA || bgB ? rates.mergeBackground : rates.merge)
            if rng.uniform() < p {
                let ra = find(a), rb = find(b)
                if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
            }
        }
        var groups: [Int32: [Int32]] = [:]
        for i in ids { groups[find(i), default: []].append(i) }

        var segments: [Segment] = []
        for root in groups.keys.sorted() {
            let members = groups[root] ?? []
            let memberSet = Set(members)
            let mask = gt.map { memberSet.contains($0) }
            let area = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
            if area < minArea { continue }
            let allBackground = members.allSatisfy { isBackground[$0] ?? false }
            let pDrop = area < smallArea ? rates.dropSmall
                : (area > npx * 6 / 100 && allBackground ? rates.dropLarge : rates.drop)
            if rng.uniform() < pDrop { continue }
            let tag = members.count > 1 ? "merge" : "ok"
            if area >= 6 * minArea && rng.uniform() < rates.split {
                let pieces = rng.uniform() < 0.7 ? 2 : 3
                let (labels, how) = splitLabels(mask: mask, part: part, width: w, pieces: pieces,
                                                single: members.count == 1, rng: &rng)
                for k in 0..<pieces {
                    let pm = zip(mask, labels).map { $0 && $1 == k }
                    if pm.contains(true) {
                        segments.append(Segment(mask: pm, sources: members, tag: tag == "ok" ? how : tag + "+" + how, hole: false))
                    }
                }
            } else {
                segments.append(Segment(mask: mask, sources: members, tag: tag, hole: false))
            }
        }

        let rMax = min(w, h) >= 100 ? 2 : 1
        for i in segments.indices {
            if rng.uniform() < rates.jitter {
                let r = (rMax > 1 && rng.uniform() < rates.jitter2) ? 2 : 1
                if rng.uniform() < 0.5 {
                    let e = MaskMorphology.erode(segments[i].mask, width: w, height: h, radius: r)
                    if e.reduce(0, { $0 + ($1 ? 1 : 0) }) >= minArea { segments[i].mask = e; segments[i].tag += "+erode\(r)" }
                } else {
                    segments[i].mask = MaskMorphology.dilate(segments[i].mask, width: w, height: h, radius: r)
                    segments[i].tag += "+dilate\(r)"
                }
            }
            if rng.uniform() < rates.hole { segments[i].hole = true }
        }

        // Spurious small blobs (texture patches), mostly inside one instance.
        for _ in 0..<rng.poisson(rates.spurious) {
            let cy = rng.int(below: h), cx = rng.int(below: w)
            let src = gt[cy * w + cx]
            let blob = ellipse(cx: Double(cx), cy: Double(cy), areaFraction: pow(10, rng.uniform(-3, -1.8)),
                               width: w, height: h, rng: &rng)
            let inside = rng.uniform() < 0.7
            let m = (0..<npx).map { blob[$0] && (!inside || gt[$0] == src) }
            if m.reduce(0, { $0 + ($1 ? 1 : 0) }) >= minArea {
                segments.append(Segment(mask: m, sources: [src], tag: "spurious", hole: false))
            }
        }

        // Composite: largest first, so small masks sit on top; then punch holes.
        let areas = segments.map { $0.mask.reduce(0) { $0 + ($1 ? 1 : 0) } }
        let order = segments.indices.sorted { areas[$0] > areas[$1] || (areas[$0] == areas[$1] && $0 < $1) }
        var composite = [Int32](repeating: 0, count: npx)
        for (rank, i) in order.enumerated() {
            for p in 0..<npx where segments[i].mask[p] { composite[p] = Int32(rank + 1) }
        }
        for (rank, i) in order.enumerated() where segments[i].hole {
            let own = (0..<npx).filter { composite[$0] == Int32(rank + 1) }
            if own.count < 8 * minArea { continue }
            let seed = own[rng.int(below: own.count)]
            let blob = ellipse(cx: Double(seed % w), cy: Double(seed / w),
                               areaFraction: rng.uniform(0.04, 0.12) * Double(own.count) / Double(npx),
                               width: w, height: h, rng: &rng)
            for p in own where blob[p] { composite[p] = 0 }
            segments[i].tag += "+hole"
        }
        var counts = [Int](repeating: 0, count: segments.count + 1)
        for v in composite { counts[Int(v)] += 1 }
        let keep = (1...max(1, segments.count)).filter { $0 <= segments.count && counts[$0] >= minArea }
        let perm = rng.permutation(keep.count)
        var newID = [Int32](repeating: 0, count: segments.count + 1)
        var provenance: [SamMaskProvenance] = []
        for (j, k) in keep.enumerated() {
            newID[k] = Int32(perm[j] + 1)
            let s = segments[order[k - 1]]
            provenance.append(SamMaskProvenance(id: perm[j] + 1, src: s.sources.map(Int.init), tag: s.tag, area: counts[k]))
        }
        provenance.sort { $0.id < $1.id }
        return SamMasks(labels: composite.map { newID[Int($0)] }, provenance: provenance)
    }

    /// Piece labels (0..<pieces) for the pixels of a mask: along composite parts when it has several
    /// (60% of the time for a single instance), else by thresholds along a random image direction.
    static func splitLabels(mask: [Bool], part: [Int32], width w: Int, pieces: Int, single: Bool,
                            rng: inout SplatRandom) -> (labels: [Int], how: String) {
        let pixels = mask.indices.filter { mask[$0] }
        let partIDs = Array(Set(pixels.map { part[$0] })).sorted()
        var labels = [Int](repeating: -1, count: mask.count)
        if single && partIDs.count >= 2 && rng.uniform() < 0.6 {
            let perm = rng.permutation(partIDs.count)
            var group: [Int32: Int] = [:]
            for (k, j) in perm.enumerated() { group[partIDs[j]] = k % pieces }
            for p in pixels { labels[p] = group[part[p]] ?? 0 }
            return (labels, "split_parts")
        }
        let theta = rng.uniform(0, Double.pi)
        let (c, s) = (cos(theta), sin(theta))
        let proj = pixels.map { Double($0 % w) * c + Double($0 / w) * s }
        let sorted = proj.sorted()
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
        let cuts = pieces == 2 ? [quantile(rng.uniform(0.3, 0.7))]
            : [quantile(rng.uniform(0.2, 0.42)), quantile(rng.uniform(0.58, 0.8))]
        for (p, v) in zip(pixels, proj) { labels[p] = cuts.filter { v >= $0 }.count }
        return (labels, "split_line")
    }

    /// A randomly oriented ellipse covering about `areaFraction` of the image, centred at (cx, cy).
    static func ellipse(cx: Double, cy: Double, areaFraction: Double, width w: Int, height h: Int,
                        rng: inout SplatRandom) -> [Bool] {
        let aspect = rng.uniform(0.4, 1.0)
        let ry = max(0.5, (areaFraction * Double(w * h) / (Double.pi * aspect)).squareRoot())
        let rx = max(0.5, ry * aspect)
        let th = rng.uniform(0, Double.pi)
        let (c, s) = (cos(th), sin(th))
        var out = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let dx = Double(x) - cx, dy = Double(y) - cy
                let u = (dx * c + dy * s) / rx, v = (-dx * s + dy * c) / ry
                out[y * w + x] = u * u + v * v <= 1
            }
        }
        return out
    }
}

/// Binary erosion and dilation with the 4-neighbourhood, repeated `radius` times.
enum MaskMorphology {
    static func dilate(_ m: [Bool], width w: Int, height h: Int, radius: Int) -> [Bool] {
        var cur = m
        for _ in 0..<radius {
            var next = cur
            for y in 0..<h {
                for x in 0..<w where !cur[y * w + x] {
                    let i = y * w + x
                    if (x > 0 && cur[i - 1]) || (x + 1 < w && cur[i + 1]) || (y > 0 && cur[i - w]) || (y + 1 < h && cur[i + w]) {
                        next[i] = true
                    }
                }
            }
            cur = next
        }
        return cur
    }

    static func erode(_ m: [Bool], width w: Int, height h: Int, radius: Int) -> [Bool] {
        dilate(m.map { !$0 }, width: w, height: h, radius: radius).map { !$0 }
    }
}
