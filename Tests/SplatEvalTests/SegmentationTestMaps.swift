@testable import SplatEval
import SplatMath

/// Deterministic test label maps: the LCG and rectangle recipe mirrored by Tests/oracles/segmentation_oracle.py.
enum OracleMaps {
    struct LCG {
        var s: Int64
        mutating func next(_ n: Int) -> Int {
            s = (s &* 1_103_515_245 &+ 12_345) % 2_147_483_648
            return Int((s >> 8) % Int64(n))
        }
    }

    static func views(seed: Int64, count: Int = 3, width w: Int = 24, height h: Int = 18) throws -> [SegmentationView] {
        var r = LCG(s: seed)
        var out = [SegmentationView]()
        for v in 0..<count {
            var gt = [Int32](repeating: 1, count: w * h)
            var pred = [Int32](repeating: Int32(40 + v), count: w * h)
            for _ in 0..<6 {
                let gid = 2 + r.next(6)
                let x0 = r.next(w - 4), y0 = r.next(h - 4)
                let x1 = x0 + 2 + r.next(10), y1 = y0 + 2 + r.next(8)
                for y in y0..<min(y1, h) { for x in x0..<min(x1, w) { gt[y * w + x] = Int32(gid) } }
                let pid = r.next(4) != 0 ? 10 + gid : 20 + r.next(3)
                let dx = r.next(3) - 1, dy = r.next(3) - 1
                for y in max(0, y0 + dy)..<min(h, max(0, y1 + dy)) {
                    for x in max(0, x0 + dx)..<min(w, max(0, x1 + dx)) { pred[y * w + x] = Int32(pid) }
                }
            }
            for _ in 0..<8 {
                let gy = r.next(h), gx = r.next(w)
                gt[gy * w + gx] = 0
                let py = r.next(h), px = r.next(w)
                pred[py * w + px] = 0
            }
            out.append(try SegmentationView(width: w, height: h, groundTruth: gt, prediction: pred))
        }
        return out
    }
}

/// Random blocky maps for fast-versus-reference tests.
enum RandomMaps {
    static func views(seed: UInt64, count: Int, width w: Int, height h: Int, gtIDs: Int, predIDs: Int,
                      gtVoid: Bool = true, predVoid: Bool = true) throws -> [SegmentationView] {
        var rng = SplatRandom(seed: seed)
        var out = [SegmentationView]()
        for _ in 0..<count {
            var gt = [Int32](repeating: 1, count: w * h)
            var pred = [Int32](repeating: Int32(100), count: w * h)
            for _ in 0..<8 {
                let x0 = rng.int(below: w), y0 = rng.int(below: h)
                let x1 = min(w, x0 + 1 + rng.int(below: w / 2)), y1 = min(h, y0 + 1 + rng.int(below: h / 2))
                let g = Int32(1 + rng.int(below: gtIDs))
                let p = Int32(100 + rng.int(below: predIDs))
                let dx = rng.int(below: 3) - 1, dy = rng.int(below: 3) - 1
                for y in y0..<y1 { for x in x0..<x1 { gt[y * w + x] = g } }
                for y in max(0, y0 + dy)..<min(h, y1 + dy) {
                    for x in max(0, x0 + dx)..<min(w, x1 + dx) { pred[y * w + x] = p }
                }
            }
            for _ in 0..<(w * h / 20) {
                if gtVoid { gt[rng.int(below: w * h)] = 0 }
                if predVoid { pred[rng.int(below: w * h)] = 0 }
            }
            out.append(try SegmentationView(width: w, height: h, groundTruth: gt, prediction: pred))
        }
        return out
    }
}
