import Foundation
import SplatMath
import Testing
@testable import SplatIO

/// writeGaussians → readGaussians gives back identical values, for every SH degree and with
/// features, object ids and extra columns of every type.
@Suite struct PLYRoundTripTests {
    @Test(arguments: [0, 1, 2, 3])
    func roundTripIsIdentical(shDegree: Int) throws {
        let count = 37
        let g = PLYTestSupport.randomGaussians(count: count, shDegree: shDegree, featureCount: shDegree == 2 ? 0 : 16,
                                               seed: UInt64(shDegree))
        let extras = [
            PLYColumn(name: "confidence", type: .float32, values: (0..<count).map { Double(Float($0) / 7) }),
            PLYColumn(name: "weight64", type: .float64, values: (0..<count).map { Double($0) / 3 }),
            PLYColumn(name: "tag", type: .uint8, values: (0..<count).map { Double($0 % 256) }),
            PLYColumn(name: "delta", type: .int16, values: (0..<count).map { Double(-$0 * 100) }),
            PLYColumn(name: "big", type: .uint32, values: (0..<count).map { Double(4_000_000_000 - $0) }),
            PLYColumn(name: "flag", type: .int8, values: (0..<count).map { Double($0 % 3 - 1) }),
        ]
        let ply = GaussianPLY(gaussians: g, objectIDs: shDegree == 1 ? nil : (0..<count).map { Int32($0 % 5) },
                              extraColumns: extras)
        let url = try PLYTestSupport.temporaryURL("rt.ply")
        try PLYFile.writeGaussians(ply, to: url)
        let back = try PLYFile.readGaussians(url)
        #expect(back == ply)
        #expect(back.gaussians.shDegree == shDegree)

        // The exact 3DGS property order.
        let text = String(decoding: try Data(contentsOf: url).prefix(4000), as: UTF8.self)
        let properties = text.split(separator: "\n").filter { $0.hasPrefix("property") }.map { $0.split(separator: " ")[2] }
        let rest = 3 * ((shDegree + 1) * (shDegree + 1) - 1)
        var expected = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"] + (0..<rest).map { "f_rest_\($0)" }
        expected += ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
        expected += (0..<g.featureCount).map { "obj_dc_\($0)" } + (ply.objectIDs == nil ? [] : ["object_id"])
        expected += extras.map(\.name)
        #expect(properties.map(String.init) == expected)
        #expect(text.contains("property int object_id") == (ply.objectIDs != nil))
        #expect(text.contains("property uchar tag") && text.contains("property double weight64"))
    }

    @Test func emptyCloudRoundTrips() throws {
        let ply = GaussianPLY(gaussians: GaussianParams(count: 0, shDegree: 3, featureCount: 0))
        let url = try PLYTestSupport.temporaryURL("empty.ply")
        try PLYFile.writeGaussians(ply, to: url)
        #expect(try PLYFile.readGaussians(url) == ply)
    }

    @Test func writerRejectsInconsistentInput() throws {
        let url = try PLYTestSupport.temporaryURL("bad.ply")
        var g = PLYTestSupport.randomGaussians(count: 3, shDegree: 0, featureCount: 0, seed: 1)
        g.opacityLogits.removeLast()
        #expect(throws: SplatError.self) { try PLYFile.writeGaussians(GaussianPLY(gaussians: g), to: url) }
        let good = PLYTestSupport.randomGaussians(count: 3, shDegree: 0, featureCount: 0, seed: 1)
        for bad in [PLYColumn(name: "opacity", type: .float32, values: [0, 0, 0]),
                    PLYColumn(name: "f_rest_3", type: .float32, values: [0, 0, 0]),
                    PLYColumn(name: "two words", type: .float32, values: [0, 0, 0]),
                    PLYColumn(name: "tag", type: .uint8, values: [0, 256, 0]),
                    PLYColumn(name: "short", type: .float32, values: [0])] {
            let error = #expect(throws: SplatError.self) {
                try PLYFile.writeGaussians(GaussianPLY(gaussians: good, extraColumns: [bad]), to: url)
            }
            #expect(error?.path == url.path)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
