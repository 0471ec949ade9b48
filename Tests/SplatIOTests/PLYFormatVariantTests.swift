import Foundation
import SplatMath
import Testing
@testable import SplatIO

/// The same table as ascii, binary big endian and binary little endian reads to the same values;
/// partial property sets get the documented defaults; unknown properties survive.
@Suite struct PLYFormatVariantTests {
    private let properties: [(PLYScalarType, String)] = [
        (.float32, "x"), (.float32, "y"), (.float64, "z"), (.uint8, "red"), (.uint8, "green"), (.uint8, "blue"),
        (.float32, "opacity"), (.float32, "f_dc_0"), (.float32, "f_dc_1"), (.float32, "f_dc_2"),
        (.int16, "segment"), (.uint16, "label16"), (.int32, "object_id"), (.float32, "obj_dc_0"), (.float32, "obj_dc_1"),
        (.int8, "signed8"), (.uint32, "big"), (.float64, "precise"),
    ]

    private func rows(_ count: Int) -> [[Double]] {
        (0..<count).map { i -> [Double] in
            let d = Double(i)
            return [Double(Float(d * 0.25 - 1)), Double(Float(d / 3)), d / 7, d, 255 - d, 17,
                    Double(Float(-d / 5)), Double(Float(d * 1e-3)), -0.5, 0.125,
                    -d * 300, d * 1000, d * 10 - 20, Double(Float(d / 9)), Double(Float(-d / 11)),
                    -d, 4_294_967_295 - d, d * 1e-300 + 1 / 3]
        }
    }

    @Test func asciiBigAndLittleEndianAgree() throws {
        let table = rows(9)
        var results: [GaussianPLY] = []
        for format in [PLYTestSupport.Format.littleEndian, .bigEndian, .ascii] {
            let url = try PLYTestSupport.temporaryURL("v.ply")
            try PLYTestSupport.make(format, properties: properties, rows: table).write(to: url)
            results.append(try PLYFile.readGaussians(url))
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
        let ply = results[0]
        let g = ply.gaussians
        #expect(g.count == 9 && g.shDegree == 0 && g.featureCount == 2)
        for i in 0..<9 {
            let row = table[i]
            #expect(Array(g.means[3 * i..<3 * i + 3]) == [Float(row[0]), Float(row[1]), Float(row[2])])
            #expect(g.opacityLogits[i] == Float(row[6]))
            #expect(Array(g.sh[i * 48..<i * 48 + 3]) == [Float(row[7]), -0.5, 0.125])
            #expect(Array(g.features[2 * i..<2 * i + 2]) == [Float(row[13]), Float(row[14])])
            #expect(ply.objectIDs?[i] == Int32(row[12]))
            // Defaults for the missing groups.
            #expect(Array(g.logScales[3 * i..<3 * i + 3]) == Array(repeating: GaussianPLY.defaultLogScale, count: 3))
            #expect(Array(g.rotations[4 * i..<4 * i + 4]) == [1, 0, 0, 0])
        }
        // Unknown properties survive with their types, in file order.
        #expect(ply.extraColumns.map(\.name) == ["red", "green", "blue", "segment", "label16", "signed8", "big", "precise"])
        #expect(ply.extraColumns.map(\.type) == [.uint8, .uint8, .uint8, .int16, .uint16, .int8, .uint32, .float64])
        #expect(ply.extraColumns[3].values == table.map { $0[10] })
        #expect(ply.extraColumns[6].values == table.map { $0[16] })
        #expect(ply.extraColumns[7].values == table.map { $0[17] })

        // …and are written back with those types.
        let url = try PLYTestSupport.temporaryURL("again.ply")
        try PLYFile.writeGaussians(ply, to: url)
        #expect(try PLYFile.readGaussians(url) == ply)
    }

    @Test func missingOpacityAndColourGetDefaults() throws {
        let url = try PLYTestSupport.temporaryURL("xyz.ply")
        try PLYTestSupport.make(.ascii, properties: [(.float32, "x"), (.float32, "y"), (.float32, "z")],
                                rows: [[1, 2, 3], [4, 5, 6]]).write(to: url)
        let g = try PLYFile.readGaussians(url).gaussians
        #expect(g.opacityLogits == [GaussianPLY.defaultOpacityLogit, GaussianPLY.defaultOpacityLogit])
        #expect(abs(1 / (1 + exp(-Double(GaussianPLY.defaultOpacityLogit))) - 0.99) < 1e-6)
        #expect(g.sh.allSatisfy { $0 == 0 })
        #expect(g.means == [1, 2, 3, 4, 5, 6])
    }

    @Test func readPointsScalesColours() throws {
        let url = try PLYTestSupport.temporaryURL("pts.ply")
        let table = rows(5)
        for format in [PLYTestSupport.Format.littleEndian, .bigEndian, .ascii] {
            try PLYTestSupport.make(format, properties: properties, rows: table).write(to: url)
            let (positions, colors) = try PLYFile.readPoints(url)
            #expect(positions == table.flatMap { [Float($0[0]), Float($0[1]), Float($0[2])] })
            let expected = table.flatMap { [Float($0[3] / 255), Float($0[4] / 255), Float($0[5] / 255)] }
            #expect(zip(try #require(colors), expected).allSatisfy { abs($0 - $1) < 1e-7 })
        }
        try PLYTestSupport.make(.littleEndian, properties: [(.float64, "x"), (.float64, "y"), (.float64, "z")],
                                rows: [[1, 2, 3]]).write(to: url)
        let (positions, colors) = try PLYFile.readPoints(url)
        #expect(positions == [1, 2, 3] && colors == nil)
    }
}
