import SplatMath
import Testing
@testable import SplatEdit

@Suite struct SelectionTests {
    @Test func selectsByPixelAndByMaskIoA() throws {
        // 4×2 id map; the mask covers the left three columns.
        let ids: [Int32] = [1, 1, 2, 3,
                            1, 2, 2, 3]
        let mask: [Bool] = [true, true, true, false,
                            true, true, true, false]
        #expect(try ObjectSelection.id(atX: 3, y: 1, idMap: ids, width: 4, height: 2) == 3)
        #expect(try ObjectSelection.ids(insideMask: mask, idMap: ids) == [1, 2])
        // id 2 has 2 of 3 pixels inside after dropping one mask pixel: IoA 0.667 ≤ 0.7.
        var partial = mask
        partial[2] = false
        #expect(try ObjectSelection.ids(insideMask: partial, idMap: ids) == [1])
        #expect(try ObjectSelection.ids(insideMask: partial, idMap: ids, threshold: 0.6) == [1, 2])
        #expect(throws: SplatError.self) { try ObjectSelection.id(atX: 4, y: 0, idMap: ids, width: 4, height: 2) }
        #expect(throws: SplatError.self) { try ObjectSelection.ids(insideMask: [true], idMap: ids) }
    }

    @Test func selectsByProbability() throws {
        let probabilities: [Float] = [0.9, 0.05, 0.05,
                                      0.2, 0.25, 0.55,
                                      0.1, 0.35, 0.55]
        let picked = try ObjectSelection.gaussians(probabilities: probabilities, classCount: 3, selected: [1], threshold: 0.3)
        #expect(picked == [false, false, true])
        #expect(throws: SplatError.self) { try ObjectSelection.gaussians(probabilities: [0.1, 0.2], classCount: 3, selected: [0]) }
    }

    @Test func extractAndRemovePartitionTheGaussians() throws {
        let n = 7
        var g = GaussianParams(count: n, shDegree: 3, featureCount: 2)
        for i in 0..<n {
            for k in 0..<3 { g.means[3 * i + k] = Float(10 * i + k); g.logScales[3 * i + k] = Float(-i) }
            for k in 0..<4 { g.rotations[4 * i + k] = Float(i + k) }
            g.opacityLogits[i] = Float(i) / 2
            for k in 0..<48 { g.sh[48 * i + k] = Float(i * 100 + k) }
            for k in 0..<2 { g.features[2 * i + k] = Float(i) + Float(k) / 10 }
        }
        let ids: [Int32] = [3, 5, 3, 0, 5, 7, 3]
        let (object, objectIDs) = try ObjectEditing.extract(g, objectIDs: ids, ids: [3, 7])
        let (rest, restIDs) = try ObjectEditing.remove(g, objectIDs: ids, ids: [3, 7])
        #expect(objectIDs == [3, 3, 7, 3] && restIDs == [5, 0, 5])
        #expect(object.count == 4 && rest.count == 3)
        #expect(object.means[3 * 2 ..< 3 * 2 + 3] == g.means[3 * 5 ..< 3 * 5 + 3])
        #expect(object.sh[48 * 3 ..< 48 * 4] == g.sh[48 * 6 ..< 48 * 7])
        #expect(rest.features == [1, 1.1, 3, 3.1, 4, 4.1])
        #expect(rest.rotations[0..<4] == g.rotations[4..<8] && rest.opacityLogits == [0.5, 1.5, 2])
        let everything = try g.subset([Bool](repeating: true, count: n))
        #expect(everything == g)
        #expect(throws: SplatError.self) { try ObjectEditing.extract(g, objectIDs: [1], ids: [1]) }
    }
}
