import Foundation
import SplatIO
import SplatMath
import Testing
@testable import SplatEdit

@Suite struct PLYObjectEditingTests {
    private func samplePLY() -> GaussianPLY {
        var g = GaussianParams(count: 5, shDegree: 1, featureCount: 3)
        for i in 0..<5 {
            g.means[3 * i] = Float(i)
            g.opacityLogits[i] = Float(i) - 2
            for k in 0..<3 { g.features[3 * i + k] = Float(10 * i + k) }
        }
        return GaussianPLY(gaussians: g, objectIDs: [4, 2, 4, 9, 2],
                           extraColumns: [PLYColumn(name: "confidence", type: .float32, values: [0.5, 1, 1.5, 2, 2.5])])
    }

    @Test func extractAndRemoveKeepEveryColumnThroughAFile() throws {
        let dir = try TestDirectory.make()
        let model = dir.appendingPathComponent("model")
        for n in [7000, 30000] {
            let folder = model.appendingPathComponent("point_cloud/iteration_\(n)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var ply = samplePLY()
            ply.gaussians.means[0] = Float(n)
            try PLYFile.writeGaussians(ply, to: folder.appendingPathComponent("point_cloud.ply"))
        }
        let source = try ObjectEditing.pointCloudFile(model)
        #expect(source.path.hasSuffix("iteration_30000/point_cloud.ply"))
        let ply = try PLYFile.readGaussians(source)
        let object = try ObjectEditing.extract(ply, ids: [4])
        let rest = try ObjectEditing.remove(ply, ids: [4])
        #expect(object.objectIDs == [4, 4] && rest.objectIDs == [2, 9, 2])
        #expect(object.gaussians.means[0] == 30000 && object.gaussians.means[3] == 2)
        #expect(object.extraColumns[0].values == [0.5, 1.5] && rest.extraColumns[0].values == [1, 2, 2.5])
        #expect(rest.gaussians.features == [10, 11, 12, 30, 31, 32, 40, 41, 42])
        let out = dir.appendingPathComponent("object.ply")
        try PLYFile.writeGaussians(object, to: out)
        #expect(try PLYFile.readGaussians(out) == object)
    }

    @Test func refusesPLYWithoutIDsAndFoldersWithoutModels() throws {
        var ply = samplePLY()
        ply.objectIDs = nil
        #expect(throws: SplatError.self) { try ObjectEditing.extract(ply, ids: [1]) }
        let dir = try TestDirectory.make()
        #expect(throws: SplatError.self) { try ObjectEditing.pointCloudFile(dir) }
        #expect(throws: SplatError.self) { try ObjectEditing.pointCloudFile(dir.appendingPathComponent("missing.ply")) }
    }
}
