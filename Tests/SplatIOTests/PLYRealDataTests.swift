import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// The two trained 3DGS samples and the synthetic scene's point cloud, against numpy-read values.
@Suite(.enabled(if: TestData.available, "needs ../shared/data"))
struct PLYRealDataTests {
    private let sh3 = "3dgs-ply-samples/kacytran1122-try/point_cloud/iteration_7000/point_cloud.ply"
    private let sh0 = "3dgs-ply-samples/GSHairLoD/_3dgs-assets/donut/donut/point_cloud/iteration_30000/fused.ply"

    @Test func degreeThreeSample() throws {
        let url = try #require(TestData.url(sh3))
        let ply = try PLYFile.readGaussians(url)
        let g = ply.gaussians
        #expect(g.count == 9080 && g.shDegree == 3 && g.featureCount == 0)
        #expect(ply.objectIDs == nil && ply.extraColumns.isEmpty)  // nx ny nz are dropped
        #expect(Array(g.means[0..<3]) == [7.31924295425415, -16.327651977539062, 19.468027114868164])
        // numpy: vertex 1170, f_rest_{0,1,14,15,29,30,44}; f_rest_{c·15 + k−1} is coefficient k of channel c.
        let v = 1170 * 48
        let rest: [(j: Int, value: Float)] = [(0, 0.014407401904463768), (1, 0.007986783981323242),
                                              (14, 0.002111719688400626), (15, 0.0077919140458106995),
                                              (29, 0.003039754694327712), (30, 0.010424545034766197),
                                              (44, 0.00215388392098248)]
        for (j, value) in rest { #expect(g.sh[v + (j % 15 + 1) * 3 + j / 15] == value) }
        #expect(g.opacityLogits[1170] == -3.363971471786499 && g.rotations[4 * 1170] == 0.6055294871330261)
        #expect(abs(g.means.enumerated().filter { $0.offset % 3 == 0 }.reduce(0.0) { $0 + Double($1.element) }
            - 447353.6131061851) < 1e-6)
        var dc = 0.0, restSum = 0.0
        for i in 0..<g.count {
            for k in 0..<16 { for c in 0..<3 { if k == 0 { dc += Double(g.sh[i * 48 + c]) } else { restSum += Double(g.sh[i * 48 + k * 3 + c]) } } }
        }
        #expect(abs(dc - 10066.774556541393) < 1e-6 && abs(restSum - -1087.9147991202424) < 1e-6)

        // Its normals are all 0, so our writer reproduces the payload byte for byte.
        let out = try TestData.temporaryDirectory("ply-real").appendingPathComponent("copy.ply")
        try PLYFile.writeGaussians(ply, to: out)
        #expect(try PLYFile.readGaussians(out) == ply)
        #expect(try payload(url) == payload(out))
    }

    @Test func degreeZeroSample() throws {
        let url = try #require(TestData.url(sh0))
        let ply = try PLYFile.readGaussians(url)
        let g = ply.gaussians
        #expect(g.count == 45624 && g.shDegree == 0 && ply.extraColumns.isEmpty)
        #expect(Array(g.means[0..<3]) == [0.018263084813952446, 0.0904652550816536, 0.040593795478343964])
        #expect(Array(g.sh[0..<3]) == [0.12749110162258148, 1.3836876153945923, -0.3718305230140686])
        #expect(g.opacityLogits[0] == 6.068385601043701 && g.logScales[0] == -4.831232070922852)
        #expect(Array(g.rotations.suffix(4)) == [1.0095418691635132, -0.15441997349262238, 0.11430893838405609,
                                                 -0.5533318519592285])
        let out = try TestData.temporaryDirectory("ply-real").appendingPathComponent("copy.ply")
        try PLYFile.writeGaussians(ply, to: out)
        #expect(try PLYFile.readGaussians(out) == ply)
    }

    @Test func sparsePointCloud() throws {
        let url = try #require(TestData.url("synthetic/tiny-1/sparse_pc.ply"))
        let (positions, colors) = try PLYFile.readPoints(url)
        #expect(positions.count == 3 * 5000)
        #expect(Array(positions[0..<3]) == [0.81037295, 0.9503178, 0.0067059617])
        #expect(Array(positions.suffix(3)) == [-0.89184606, 3.4641883, 1.997228])
        let rgb = try #require(colors)
        #expect(zip(rgb[0..<3], [84, 59, 66]).allSatisfy { abs($0 * 255 - $1) < 1e-4 })
        #expect(zip(rgb.suffix(3), [154, 146, 143]).allSatisfy { abs($0 * 255 - $1) < 1e-4 })
        #expect(abs(positions.enumerated().filter { $0.offset % 3 == 0 }.reduce(0.0) { $0 + Double($1.element) }
            - 1325.0046858366113) < 1e-6)
        // As Gaussians: the colour columns are kept as extras.
        let ply = try PLYFile.readGaussians(url)
        #expect(ply.extraColumns.map(\.name) == ["red", "green", "blue"] && ply.extraColumns[0].values[0] == 84)
    }

    private func payload(_ url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        let end = try #require(data.range(of: Data("end_header\n".utf8)))
        return data[end.upperBound...]
    }
}
