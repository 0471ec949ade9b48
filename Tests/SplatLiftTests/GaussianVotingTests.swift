import Foundation
import Testing
import SplatMath
import SplatRaster
@testable import SplatLift

/// Two Gaussians on the optical axis, A in front of B, and C far outside the view. A's own feature
/// points at entry 0, but the pixels it paints blend to entry 1 (B's larger weighted feature wins),
/// so its vote is 1; C is never seen and takes the id of the nearest seen Gaussian (A: 1).
@Test func gaussiansTakeTheIDOfThePixelsTheyPaint() throws {
    let camera = PinholeCamera(width: 32, height: 24, fx: 30, fy: 30, cx: 16, cy: 12)
    var g = GaussianParams(count: 3, shDegree: 0, featureCount: 2)
    let positions: [(Float, Float, Float)] = [(0, 0, 3), (0, 0, 4), (50, 0, 3)]
    let features: [(Float, Float)] = [(1, 0), (-0.2, 3), (1, 0)]
    for i in 0..<3 {
        (g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2]) = positions[i]
        for a in 0..<3 { g.logScales[3 * i + a] = log(0.5) }
        g.rotations[4 * i] = 1
        g.opacityLogits[i] = 0            // α = 0.5 at the centre
        (g.features[2 * i], g.features[2 * i + 1]) = features[i]
    }
    let codebook = try Codebook(entryCount: 2, featureCount: 2, values: [1, 0, 0, 1])
    #expect(try LiftInference.gaussianIDs(g, codebook: codebook) == [0, 1, 0])
    let entries = try renderedEntries(g, codebook: codebook, camera: camera)
    let voted = try GaussianVoting.objectIDs(g, viewIDs: [entries], cameras: [camera], masks: nil,
                                             backend: CPURasterizer(), threads: 1, fallback: { [] })
    #expect(voted == [1, 1, 1])
    // With both entries grouped into object 0, every Gaussian belongs to it.
    #expect(try GaussianVoting.objectIDs(g, viewIDs: [entries.map { _ in 0 }], cameras: [camera], masks: nil,
                                         backend: CPURasterizer(), threads: 1, fallback: { [] }) == [0, 0, 0])
}

/// The argmax entry of every pixel of a view (stage 1 of `ObjectPipeline`).
private func renderedEntries(_ g: GaussianParams, codebook: Codebook, camera: PinholeCamera) throws -> [Int32] {
    let output = CPURasterizer().render(g, camera: camera, options: .identityFeatures(threads: 1))
    return try LiftInference.pixelIDs(features: output.features, pixelCount: output.width * output.height, codebook: codebook)
}

/// Unseen Gaussians take the nearest seen Gaussian's id; with nothing seen, the fallback.
@Test func unseenGaussiansTakeTheNearestSeenID() {
    let means: [Float] = [0, 0, 0, 10, 0, 0, 1, 0, 0, 9, 0.5, 0]
    #expect(GaussianVoting.fillUnseen([3, 7, nil, nil], means: means, fallback: { [0, 0, 0, 0] }) == [3, 7, 3, 7])
    #expect(GaussianVoting.fillUnseen([nil, nil], means: [0, 0, 0, 1, 1, 1], fallback: { [5, 6] }) == [5, 6])
}

/// Every masked pixel takes its mask's majority id (ties: the smaller id); unmasked pixels keep theirs.
@Test func maskMajorityRelabelsEachMask() throws {
    // Mask labels: 0 = no mask, 5 and 9 two masks.
    let labels: [Int32] = [5, 5, 5, 9, 9, 0, 0, 9]
    let ids: [Int32] = [1, 2, 1, 3, 4, 7, 8, 7]
    let mask = try SegmentLabels(width: 4, height: 2, labels: labels)
    // Mask 5: ids 1,2,1 → 1. Mask 9: ids 3,4,7 → a three-way tie → 3. Unmasked keep 7, 8.
    #expect(try GaussianVoting.maskMajority(ids, mask: mask) == [1, 1, 1, 3, 3, 7, 8, 3])
    #expect(throws: SplatError.self) { try GaussianVoting.maskMajority([1, 2], mask: mask) }
}

/// Voting on mask-majority ids: a Gaussian whose own pixels carry a minority id inside a mask is
/// outvoted by the mask. Two Gaussians side by side, one 2D mask over both: the smaller one
/// (fewer pixels) takes the larger one's id once the mask decides.
@Test func votingWithMasksFollowsTheMaskMajority() throws {
    let camera = PinholeCamera(width: 32, height: 24, fx: 30, fy: 30, cx: 16, cy: 12)
    var g = GaussianParams(count: 2, shDegree: 0, featureCount: 2)
    let positions: [(Float, Float, Float)] = [(-0.5, 0, 3), (0.4, 0, 3)]
    let sizes: [Float] = [0.35, 0.2]
    let features: [(Float, Float)] = [(1, 0), (0, 1)]
    for i in 0..<2 {
        (g.means[3 * i], g.means[3 * i + 1], g.means[3 * i + 2]) = positions[i]
        for a in 0..<3 { g.logScales[3 * i + a] = log(sizes[i]) }
        g.rotations[4 * i] = 1
        g.opacityLogits[i] = 4
        (g.features[2 * i], g.features[2 * i + 1]) = features[i]
    }
    let codebook = try Codebook(entryCount: 2, featureCount: 2, values: [1, 0, 0, 1])
    let entries = try renderedEntries(g, codebook: codebook, camera: camera)
    let plain = try GaussianVoting.objectIDs(g, viewIDs: [entries], cameras: [camera], masks: nil,
                                             backend: CPURasterizer(), threads: 1, fallback: { [] })
    #expect(plain == [0, 1])
    let oneMask = try SegmentLabels(width: 32, height: 24, labels: [Int32](repeating: 1, count: 32 * 24))
    let masked = try GaussianVoting.objectIDs(g, viewIDs: [entries], cameras: [camera], masks: [oneMask],
                                              backend: CPURasterizer(), threads: 1, fallback: { [] })
    #expect(masked == [0, 0])
}
