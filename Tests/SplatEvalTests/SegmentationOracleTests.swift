import Testing
@testable import SplatEval

/// Numbers from Tests/oracles/segmentation_oracle.py (numpy + scipy `linear_sum_assignment`), an
/// independent implementation of METHOD.md §4.2 and §4.3, run offline on the same maps.
@Suite struct SegmentationOracleTests {
    struct Expected {
        var seed: Int64
        var checksum: (Int, Int)
        var gaga: [Double]          // mIoU, P, R, F
        var pqThings: [Double]      // PQ, SQ, RQ
        var pqSemantic: [Double]
    }

    static let expected = [
        Expected(seed: 7, checksum: (6710, 77071),
                 gaga: [0.561415439215, 0.400000000000, 0.571428571429, 0.470588235294],
                 pqThings: [0.457367899555, 0.647937857703, 0.705882352941],
                 pqSemantic: [0.707949490601, 0.707949490601, 1.000000000000]),
        Expected(seed: 2024, checksum: (5180, 86703),
                 gaga: [0.368214085833, 0.083333333333, 0.142857142857, 0.105263157895],
                 pqThings: [0.134442635799, 0.638602520046, 0.210526315789],
                 pqSemantic: [0.502706417456, 0.502706417456, 0.666666666667]),
    ]

    @Test(arguments: 0..<2) func matchesPythonOracle(_ k: Int) throws {
        let e = Self.expected[k]
        let views = try OracleMaps.views(seed: e.seed)
        let gtSum = views.enumerated().reduce(0) { s, v in s + v.element.groundTruth.reduce(0) { $0 + Int($1) } * (v.offset + 1) }
        let predSum = views.enumerated().reduce(0) { s, v in s + v.element.prediction.reduce(0) { $0 + Int($1) } * (v.offset + 1) }
        #expect(gtSum == e.checksum.0 && predSum == e.checksum.1, "the maps differ from the oracle's")

        let options = SegmentationOptions(groundTruthVoid: 0, predictionVoid: 0)
        let s = try SegmentationMetrics.scene(views, options: options)
        let got = [s.meanIoU, s.precision, s.recall, s.fScore]
        for (a, b) in zip(got, e.gaga) { #expect(abs(a - b) < 1e-9, "\(got) vs \(e.gaga)") }
        let pq = [s.panoptic.pq, s.panoptic.sq, s.panoptic.rq]
        for (a, b) in zip(pq, e.pqThings) { #expect(abs(a - b) < 1e-9, "\(pq) vs \(e.pqThings)") }

        let semantic = SegmentationOptions(groundTruthVoid: 0, predictionVoid: 0,
                                           semantics: [1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 0], stuffCategories: [0, 2])
        let p = try SegmentationMetrics.scene(views, options: semantic).panoptic
        let pqs = [p.pq, p.sq, p.rq]
        for (a, b) in zip(pqs, e.pqSemantic) { #expect(abs(a - b) < 1e-9, "\(pqs) vs \(e.pqSemantic)") }
    }
}
