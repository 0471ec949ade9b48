import Foundation
import Testing
@testable import SplatLift
import SplatMath

/// The whole objective without a renderer: a "world" strip of per-point features (the parameters),
/// seen through several overlapping windows (the views). Each view numbers the objects with its own
/// random ids and mislabels a few pixels; the features (plain Adam, lr 0.01, ε 1e-15 as METHOD.md §1.4)
/// and the codebook are trained by LiftObjective alone. Afterwards every object must get the same
/// codebook id in every view, and different objects different ids.
@Suite struct EndToEndToyTests {
    static let (worldWidth, height, viewWidth, d) = (40, 16, 24, 16)
    static let offsets = [0, 6, 12, 16]

    /// Object of world point (x, y): 5 bands × top/bottom.
    static func object(x: Int, y: Int) -> Int { (x / 8) * 2 + (y < height / 2 ? 0 : 1) }

    struct Toy {
        var labelMaps: [[Int32]] = []
        var truth: [[Int]] = []          // object of each view pixel
        var noisy: [[Bool]] = []         // pixels given a wrong label
    }

    static func makeToy(seed: UInt64) -> Toy {
        var rng = SplatRandom(seed: seed)
        var toy = Toy()
        for offset in offsets {
            var ids = Array(Int32(0)..<Int32(60))
            ids.shuffle(using: &rng)   // ids[object] = this view's label of the object
            var labels = [Int32](), truth = [Int](), noisy = [Bool]()
            for y in 0..<height {
                for x in 0..<viewWidth {
                    let o = object(x: x + offset, y: y)
                    truth.append(o)
                    if rng.uniform() < 0.03 {
                        labels.append(ids[(o + 1 + rng.int(below: 3)) % 10]); noisy.append(true)
                    } else {
                        labels.append(ids[o]); noisy.append(false)
                    }
                }
            }
            toy.labelMaps.append(labels); toy.truth.append(truth); toy.noisy.append(noisy)
        }
        return toy
    }

    /// Planar d·H·W features of view v gathered from the world (pixel-major world storage).
    static func render(_ world: [Float], view v: Int) -> [Float] {
        let n = viewWidth * height
        var out = [Float](repeating: 0, count: d * n)
        for y in 0..<height {
            for x in 0..<viewWidth {
                let p = (y * worldWidth + x + offsets[v]) * d
                for j in 0..<d { out[j * n + y * viewWidth + x] = world[p + j] }
            }
        }
        return out
    }

    /// Majority codebook id of every object over all views and per view, and the fraction of pixels
    /// whose id is their object's majority id.
    static func consistency(_ world: [Float], toy: Toy, codebook: Codebook) throws
        -> (majority: [Int32], perView: [[Int32]], agreement: Double) {
        let n = viewWidth * height
        var votes = [[Int32: Int]](repeating: [:], count: 10)
        var perViewMajority = [[Int32]]()
        var perView = [[Int32]]()
        for v in 0..<offsets.count {
            let ids = try LiftInference.pixelIDs(features: render(world, view: v), pixelCount: n, codebook: codebook)
            perView.append(ids)
            var viewVotes = [[Int32: Int]](repeating: [:], count: 10)
            for u in 0..<n {
                votes[toy.truth[v][u]][ids[u], default: 0] += 1
                viewVotes[toy.truth[v][u]][ids[u], default: 0] += 1
            }
            perViewMajority.append(viewVotes.map { $0.max { $0.value < $1.value }?.key ?? -1 })
        }
        let majority = votes.map { $0.max { $0.value < $1.value }?.key ?? -1 }
        var agreeing = 0
        for v in 0..<offsets.count {
            for u in 0..<n where perView[v][u] == majority[toy.truth[v][u]] { agreeing += 1 }
        }
        return (majority, perViewMajority, Double(agreeing) / Double(n * offsets.count))
    }

    @Test func idsBecomeConsistentAcrossViews() throws {
        let toy = Self.makeToy(seed: 7)
        var config = LiftConfig()
        config.seed = 3
        let objective = try LiftObjective(config: config, labelMaps: toy.labelMaps, width: Self.viewWidth, height: Self.height)
        // METHOD.md §1.1 initialisation: (U[0,1) − 0.5)/C0.
        var rng = SplatRandom(seed: 11)
        var world = (0..<(Self.worldWidth * Self.height * Self.d)).map { _ in (rng.uniformFloat() - 0.5) / 0.28209479 }
        let before = try Self.consistency(world, toy: toy, codebook: objective.codebookModel)
        #expect(before.agreement < 0.5, "random features must not start consistent (\(before.agreement))")
        var m = [Float](repeating: 0, count: world.count), s = [Float](repeating: 0, count: world.count)
        let (lr, b1, b2, eps): (Float, Float, Float, Float) = (0.01, 0.9, 0.999, 1e-15)
        let n = Self.viewWidth * Self.height
        var gradient = [Float]()
        var lastTerms: [String: Double] = [:]
        let steps = 400
        for step in 1...steps {
            let v = (step - 1) % Self.offsets.count
            lastTerms = try objective.step(iteration: step, viewIndex: v, features: Self.render(world, view: v),
                                           width: Self.viewWidth, height: Self.height, featureGradient: &gradient)
            var worldGrad = [Float](repeating: 0, count: world.count)
            for y in 0..<Self.height {
                for x in 0..<Self.viewWidth {
                    let p = (y * Self.worldWidth + x + Self.offsets[v]) * Self.d
                    for j in 0..<Self.d { worldGrad[p + j] = gradient[j * n + y * Self.viewWidth + x] }
                }
            }
            let c1 = 1 - Float(Foundation.pow(Double(b1), Double(step))), c2 = 1 - Float(Foundation.pow(Double(b2), Double(step)))
            for i in 0..<world.count {
                m[i] = b1 * m[i] + (1 - b1) * worldGrad[i]
                s[i] = b2 * s[i] + (1 - b2) * worldGrad[i] * worldGrad[i]
                world[i] -= lr * (m[i] / c1) / ((s[i] / c2).squareRoot() + eps)
            }
        }
        let (majority, perViewMajority, agreement) = try Self.consistency(world, toy: toy, codebook: objective.codebookModel)
        print("end-to-end toy after \(steps) steps: object ids \(majority), pixel agreement \(agreement), last terms \(lastTerms)")
        // Same object → same id in every view it appears in; different objects → different ids.
        for v in 0..<Self.offsets.count {
            for o in 0..<10 where perViewMajority[v][o] >= 0 {
                #expect(perViewMajority[v][o] == majority[o], "view \(v) object \(o): \(perViewMajority[v][o]) vs \(majority[o])")
            }
        }
        #expect(Set(majority).count == 10, "objects share ids: \(majority)")
        // The remaining disagreement is world points mislabelled in some view (3% label noise).
        #expect(agreement > 0.95)
    }
}
