#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// An SfM-like sparse model: noisy surface points with colours, GT instances, tracks and 2D observations.
public struct SynthPoints: Sendable {
    /// Noisy world positions.
    public var xyz: [Vec3]
    /// 8-bit colour from the render, interleaved RGB.
    public var rgb: [UInt8]
    /// GT instance each point was sampled from.
    public var instance: [Int32]
    /// Mean reprojection error of the noisy point against its observations (pixels).
    public var error: [Double]
    /// Per point: (view index, index of the observation in that view's list).
    public var tracks: [[(view: Int, observation: Int)]]
    /// Per view: observed pixel position (COLMAP convention, centres at +0.5) and point index (0-based).
    public var observations: [[(x: Double, y: Double, point: Int)]]
}

/// Samples points3D the way an SfM reconstruction looks: on textured pixels of train views, few on
/// the backdrop, each kept when it is seen (depth test + same GT instance) in at least two views.
public enum PointSampler {
    public static func sample(scene: SynthScene, renders: [ViewRender]) -> SynthPoints {
        let cfg = scene.config
        let train = cfg.trainViews
        let quota = Int((Double(cfg.points) * 1.15 / Double(max(1, train.count))).rounded(.up))
        var candXYZ: [Vec3] = [], candRGB: [UInt8] = [], candInst: [Int32] = [], candView: [Int] = []
        for v in train {
            let r = renders[v]
            let w = r.width, h = r.height
            var rng = SplatRandom.stream(seed: cfg.seed, 5, UInt64(v))
            // Weights: 0.25 + normalised luminance gradient; backdrop ×0.04, objects ×1.5.
            var lum = [Double](repeating: 0, count: w * h)
            for i in 0..<(w * h) {
                let sum = Int(r.rgb8[3 * i]) + Int(r.rgb8[3 * i + 1]) + Int(r.rgb8[3 * i + 2])
                lum[i] = Double(sum) / 3
            }
            var g = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    let i = y * w + x
                    if x > 0 && x + 1 < w { g[i] += abs(lum[i + 1] - lum[i - 1]) }
                    if y > 0 && y + 1 < h { g[i] += abs(lum[i + w] - lum[i - w]) }
                }
            }
            let meanG = g.reduce(0, +) / Double(g.count) + 1e-6
            // Weighted sampling without replacement (Efraimidis–Spirakis keys, largest k).
            var keys: [(Double, Int)] = []
            keys.reserveCapacity(w * h)
            for i in 0..<(w * h) {
                var weight = 0.25 + g[i] / meanG
                if r.instance[i] == scene.backdropID { weight *= 0.04 } else if r.instance[i] > scene.backdropID { weight *= 1.5 }
                keys.append((log(max(rng.uniform(), 1e-300)) / weight, i))
            }
            keys.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            for (_, i) in keys.prefix(min(quota, w * h)) {
                candXYZ.append(Vec3(r.position[3 * i], r.position[3 * i + 1], r.position[3 * i + 2]))
                candRGB.append(contentsOf: r.rgb8[(3 * i)..<(3 * i + 3)])
                candInst.append(r.instance[i])
                candView.append(v)
            }
        }

        // Visibility of every candidate in every view.
        var visible = [[Int]](repeating: [], count: candXYZ.count)
        var projected = [[Int: (Double, Double)]](repeating: [:], count: candXYZ.count)
        for (v, cam) in scene.cameras.enumerated() {
            let r = renders[v]
            for k in candXYZ.indices {
                let (u, vv, z) = cam.project(candXYZ[k])
                guard z > 0.05, u >= 0, u < Double(r.width), vv >= 0, vv < Double(r.height) else { continue }
                let px = Int(vv) * r.width + Int(u)
                let ok = abs(Double(r.depth[px]) - z) < 0.01 + 0.01 * z && r.instance[px] == candInst[k]
                if ok || candView[k] == v { visible[k].append(v); projected[k][v] = (u, vv) }
            }
        }
        var rng = SplatRandom.stream(seed: cfg.seed, 6)
        var kept = candXYZ.indices.filter { visible[$0].count >= 2 }
        if kept.count > cfg.points {
            kept = Array(rng.permutation(kept.count).prefix(cfg.points)).sorted().map { kept[$0] }
        }

        var points = SynthPoints(xyz: [], rgb: [], instance: [], error: [], tracks: [],
                                 observations: Array(repeating: [], count: scene.cameras.count))
        for k in kept {
            var views = visible[k]
            if views.count > cfg.maxTrackLength {
                let others = views.filter { $0 != candView[k] }
                let pick = rng.permutation(others.count).prefix(cfg.maxTrackLength - 1).map { others[$0] }
                views = ([candView[k]] + pick).sorted()
            }
            let noisy = candXYZ[k] + Vec3(rng.normal(), rng.normal(), rng.normal()) * cfg.pointNoise
            let id = points.xyz.count
            var track: [(view: Int, observation: Int)] = []
            var errSum = 0.0
            for v in views {
                guard let (u, vv) = projected[k][v] else { continue }
                let ou = u + rng.normal() * cfg.observationNoise, ov = vv + rng.normal() * cfg.observationNoise
                let pn = scene.cameras[v].project(noisy)
                errSum += ((pn.u - ou) * (pn.u - ou) + (pn.v - ov) * (pn.v - ov)).squareRoot()
                track.append((v, points.observations[v].count))
                points.observations[v].append((ou, ov, id))
            }
            points.xyz.append(noisy)
            points.rgb.append(contentsOf: candRGB[(3 * k)..<(3 * k + 3)])
            points.instance.append(candInst[k])
            points.error.append(errSum / Double(max(1, track.count)))
            points.tracks.append(track)
        }
        return points
    }
}
