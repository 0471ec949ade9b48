import Dispatch
import SplatMath

/// A generated scene in memory: layout, per-view renders and SAM masks, and the sparse points.
public struct GeneratedScene: Sendable {
    public var scene: SynthScene
    public var renders: [ViewRender]
    public var sam: [SamMasks]
    public var points: SynthPoints
}

/// Builds a whole synthetic scene from a config, deterministically for its seed and any thread count.
public enum SceneGenerator {
    public static func generate(_ config: SynthConfig) throws -> GeneratedScene {
        let scene = try SceneLayout.make(config)
        let renderer = SceneRenderer(scene: scene)
        let renders = (0..<config.views).map { renderer.render(view: $0) }
        let isBackground = scene.isBackground
        var sam = [SamMasks?](repeating: nil, count: config.views)
        sam.withUnsafeMutableBufferPointer { buf in
            let out = SendableBuffer(p: buf.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: config.views) { v in
                var rng = SplatRandom.stream(seed: config.seed, 7, UInt64(v))
                let r = renders[v]
                out.p[v] = SamSimulator.simulate(gt: r.instance, part: r.part, width: r.width, height: r.height,
                                                 isBackground: isBackground, rates: config.samRates, rng: &rng)
            }
        }
        let points = PointSampler.sample(scene: scene, renders: renders)
        return GeneratedScene(scene: scene, renders: renders, sam: sam.compactMap { $0 }, points: points)
    }
}
