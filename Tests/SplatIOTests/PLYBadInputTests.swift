import Foundation
import SplatMath
import Testing
@testable import SplatIO

/// Damaged or foreign PLY files give one-line errors naming the file and the problem.
@Suite struct PLYBadInputTests {
    private func expectError(_ data: Data, containing text: String, points: Bool = false,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = try PLYTestSupport.temporaryURL("bad.ply")
        try data.write(to: url)
        let error = #expect(throws: SplatError.self, sourceLocation: sourceLocation) {
            if points { _ = try PLYFile.readPoints(url) } else { _ = try PLYFile.readGaussians(url) }
        }
        #expect(error?.path == url.path, sourceLocation: sourceLocation)
        #expect(error?.description.contains(text) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.description.contains("\n") == false, sourceLocation: sourceLocation)
    }

    private let xyz: [(PLYScalarType, String)] = [(.float32, "x"), (.float32, "y"), (.float32, "z"), (.float32, "opacity")]
    private func rows(_ n: Int) -> [[Double]] { (0..<n).map { [Double($0), 1, 2, 3] } }

    @Test func truncatedBinary() throws {
        let url = try PLYTestSupport.temporaryURL("t.ply")
        try PLYFile.writeGaussians(GaussianPLY(gaussians: PLYTestSupport.randomGaussians(
            count: 10, shDegree: 3, featureCount: 0, seed: 3)), to: url)
        let full = try Data(contentsOf: url)
        try expectError(full.prefix(full.count - 5 * 62 * 4 - 1), containing: "file ends after 4 of 10 vertices")
        try expectError(full.prefix(full.count - 1), containing: "file ends after 9 of 10 vertices", points: true)
    }

    @Test func vertexCountLies() throws {
        let file = PLYTestSupport.make(.littleEndian, properties: xyz, rows: rows(10), claimedCount: 1000)
        try expectError(file, containing: "of 1000 vertices")
        let huge = PLYTestSupport.make(.littleEndian, properties: xyz, rows: rows(10), claimedCount: 1 << 50)
        try expectError(huge, containing: "header claims 1125899906842624 vertices, more than the limit of 134217728")
        try expectError(PLYTestSupport.make(.ascii, properties: xyz, rows: rows(10), claimedCount: 13),
                        containing: "file ends after")
    }

    @Test func notAPLY() throws {
        try expectError(Data("\u{89}PNG and more".utf8), containing: "not a PLY file")
        try expectError(Data(), containing: "not a PLY file")
        try expectError(Data("ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\n".utf8),
                        containing: "no end_header")
        try expectError(Data("ply\nformat binary_middle_endian 1.0\nelement vertex 0\nend_header\n".utf8),
                        containing: "line 2")
        try expectError(Data("ply\nformat ascii 1.0\nelement vertex 1\nproperty float128 x\nend_header\n".utf8),
                        containing: "line 4")
        try expectError(Data("ply\nformat ascii 1.0\nelement vertex 1\nwhat x\nend_header\n".utf8),
                        containing: "unknown keyword")
        try expectError(Data("ply\nelement vertex 0\nproperty float x\nend_header\n".utf8), containing: "no format")
        try expectError(Data("ply\nformat ascii 1.0\nelement face 0\nend_header\n".utf8), containing: "no vertex element")
    }

    @Test func missingPositions() throws {
        let file = PLYTestSupport.make(.littleEndian, properties: [(.float32, "x"), (.float32, "y")], rows: [[1, 2]])
        try expectError(file, containing: "has no z property (x, y and z are required)")
        try expectError(file, containing: "has no z property", points: true)
        let partial = PLYTestSupport.make(.littleEndian, properties: [(.float32, "x"), (.float32, "y"), (.float32, "z"),
                                                                       (.float32, "scale_0")], rows: [[1, 2, 3, 4]])
        try expectError(partial, containing: "has scale_0 but not scale_1, scale_2")
        let rest = PLYTestSupport.make(.littleEndian, properties: xyz + [(.float32, "f_rest_0")], rows: [[1, 2, 3, 4, 5]])
        try expectError(rest, containing: "1 f_rest properties")
    }

    @Test func nonFiniteValuesAreRejectedNamingTheVertexAndProperty() throws {
        var table = rows(6)
        table[4][1] = .nan
        try expectError(PLYTestSupport.make(.littleEndian, properties: xyz, rows: table), containing: "vertex 4 has a non-finite y (nan)")
        try expectError(PLYTestSupport.make(.ascii, properties: xyz, rows: table), containing: "vertex 4", points: true)
        // Any Gaussian property, not only positions (#18 item 4): here the opacity.
        var other = rows(6)
        other[2][3] = .infinity
        try expectError(PLYTestSupport.make(.littleEndian, properties: xyz, rows: other), containing: "vertex 2 has a non-finite opacity (inf)")
    }

    @Test func badAsciiRows() throws {
        let head = "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
        try expectError(Data((head + "1 2 3\n4.0 5.0\n").utf8), containing: "vertex 1: value 3 of 3 (z)")
        try expectError(Data((head + "1 2 3\n4 5 6 7\n").utf8), containing: "vertex 1 has more than 3 values")
        try expectError(Data((head + "1 2 3\n4 five 6\n").utf8), containing: "not a number")
        let ids = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
            + "property float object_id\nend_header\n1 2 3 4.5\n"
        try expectError(Data(ids.utf8), containing: "object_id = 4.5 is not a 32-bit integer")
    }
}
