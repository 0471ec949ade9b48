import Foundation
import SplatTestSupport
import SplatMath
import Testing
@testable import SplatEdit

@Suite struct MarchingCubesTests {
    @Test func tableUsesExactlyTheCrossedEdges() throws {
        #expect(MarchingCubesTable.cases[0].triangles.isEmpty && MarchingCubesTable.cases[255].triangles.isEmpty)
        for config in 0..<256 {
            let tris = MarchingCubesTable.cases[config].triangles
            #expect(tris.count % 3 == 0)
            let crossed = Set((0..<12).filter { e in
                let (a, b) = MarchingCubesTable.edgeCorners[e]
                return (config >> a & 1) != (config >> b & 1)
            })
            #expect(Set(tris.filter { $0 < 12 }) == crossed, "case \(config)")
            // Within one cube every polygon edge between two crossed edges is used once per direction at most.
            var directed = Set<[Int]>()
            for t in stride(from: 0, to: tris.count, by: 3) {
                for k in 0..<3 { #expect(directed.insert([tris[t + k], tris[t + (k + 1) % 3]]).inserted, "case \(config)") }
            }
        }
    }

    @Test func sphereIsClosedWithAnalyticAreaAndVolume() throws {
        let r = 1.0, c = Vec3(0.013, -0.021, 0.007)
        let grid = ScalarGrid.sampling(origin: Vec3(-1.3, -1.3, -1.3), voxelSize: 0.05, nx: 53, ny: 53, nz: 53) { p in
            (p - c).length - r
        }
        let mesh = try MarchingCubes.extract(grid)
        let defects = mesh.edgeDefects
        #expect(defects.boundary == 0 && defects.nonManifold == 0)
        #expect(abs(mesh.area / (4 * Double.pi * r * r) - 1) < 0.01, "area \(mesh.area)")
        #expect(abs(mesh.signedVolume / (4.0 / 3.0 * Double.pi * r * r * r) - 1) < 0.01, "volume \(mesh.signedVolume)")
    }

    /// Random fields hit every case, ambiguous faces included: the surface must still be closed
    /// and consistently oriented (every directed edge once, opposite to its twin).
    @Test func randomFieldsGiveClosedOrientedSurfaces() throws {
        var rng = SplatRandom(seed: 11)
        for _ in 0..<20 {
            let n = 9
            var grid = ScalarGrid.sampling(origin: .zero, voxelSize: 1, nx: n, ny: n, nz: n) { _ in 0 }
            for k in 0..<n {
                for j in 0..<n {
                    for i in 0..<n {
                        let border = i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1
                        grid.values[grid.index(i, j, k)] = border ? 1 : Float(rng.uniform() - 0.5)
                    }
                }
            }
            let mesh = try MarchingCubes.extract(grid)
            #expect(mesh.triangleCount > 0)
            var directed = [UInt64: Int]()
            for t in 0..<mesh.triangleCount {
                for k in 0..<3 {
                    let a = UInt64(mesh.triangles[3 * t + k]), b = UInt64(mesh.triangles[3 * t + (k + 1) % 3])
                    directed[a << 32 | b, default: 0] += 1
                }
            }
            let oriented = directed.allSatisfy { key, count in
                count == 1 && directed[(key & 0xFFFF_FFFF) << 32 | key >> 32] == 1
            }
            #expect(oriented)
            #expect(mesh.signedVolume > 0)
        }
    }

    @Test func invalidSamplesLeaveAHole() throws {
        var grid = ScalarGrid.sampling(origin: Vec3(-1.5, -1.5, -1.5), voxelSize: 0.1, nx: 31, ny: 31, nz: 31) { $0.length - 1 }
        var valid = [Bool](repeating: true, count: grid.values.count)
        valid[grid.index(25, 15, 15)] = false        // next to the surface at x = 1
        grid.valid = valid
        #expect(try MarchingCubes.extract(grid).edgeDefects.boundary > 0)
    }

    @Test func writesPLYAndOBJ() throws {
        let mesh = try MarchingCubes.extract(ScalarGrid.sampling(origin: Vec3(-1.5, -1.5, -1.5), voxelSize: 0.25,
                                                             nx: 13, ny: 13, nz: 13) { $0.length - 1 })
        let dir = try TestDirectory.make()
        let ply = dir.appendingPathComponent("sphere.ply"), obj = dir.appendingPathComponent("sphere.obj")
        try MeshWriter.write(mesh, to: ply)
        try MeshWriter.write(mesh, to: obj)
        let data = try Data(contentsOf: ply)
        let header = try #require(data.range(of: Data("end_header\n".utf8)))
        let headerText = String(decoding: data[..<header.upperBound], as: UTF8.self)
        #expect(headerText.contains("element vertex \(mesh.vertexCount)\n"))
        #expect(headerText.contains("element face \(mesh.triangleCount)\n"))
        #expect(data.count - header.upperBound == 12 * mesh.vertexCount + 13 * mesh.triangleCount)
        // Read back the body.
        let body = Data(data[header.upperBound...])
        let (vertices, triangles) = body.withUnsafeBytes { raw -> ([Float], [Int32]) in
            let v = (0..<(3 * mesh.vertexCount)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
            var t = [Int32]()
            var offset = 12 * mesh.vertexCount
            for _ in 0..<mesh.triangleCount {
                #expect(raw[offset] == 3)
                for k in 0..<3 { t.append(raw.loadUnaligned(fromByteOffset: offset + 1 + 4 * k, as: Int32.self)) }
                offset += 13
            }
            return (v, t)
        }
        #expect(vertices == mesh.vertices && triangles == mesh.triangles)
        let lines = try String(contentsOf: obj, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("v ") }.count == mesh.vertexCount)
        #expect(lines.filter { $0.hasPrefix("f ") }.count == mesh.triangleCount)
        #expect(throws: SplatError.self) { try MeshWriter.write(mesh, to: dir.appendingPathComponent("x.stl")) }
    }
}

enum TestDirectory {
    static func make() throws -> URL {
        try TestData.temporaryDirectory("splatedit")
    }
}

@Suite struct MarchingCubesBadInputTests {
    @Test func rejectsInconsistentGrids() {
        let grid = ScalarGrid(origin: .zero, voxelSize: 1, nx: 2, ny: 2, nz: 2, values: [0, 1, 2])
        #expect(throws: SplatError.self) { try MarchingCubes.extract(grid) }
        let flags = ScalarGrid(origin: .zero, voxelSize: 1, nx: 2, ny: 2, nz: 2, values: [Float](repeating: 0, count: 8), valid: [true])
        #expect(throws: SplatError.self) { try MarchingCubes.extract(flags) }
    }
}

@Test func largestComponentKeepsTheBiggerOfTwoSpheres() throws {
    // Two disjoint spheres (radius 1 and 0.5) in one grid: the component keeps only the big one.
    let grid = ScalarGrid.sampling(origin: Vec3(-2, -2, -2), voxelSize: 0.1, nx: 61, ny: 41, nz: 41) { p in
        min((p - Vec3(0, 0, 0)).length - 1, (p - Vec3(2.5, 0, 0)).length - 0.5)
    }
    let mesh = try MarchingCubes.extract(grid)
    let big = mesh.largestComponent()
    #expect(big.triangleCount < mesh.triangleCount && big.triangleCount > mesh.triangleCount / 2)
    #expect(abs(big.signedVolume - 4.0 / 3.0 * Double.pi) < 0.05 * 4.0 / 3.0 * Double.pi)
    #expect(big.edgeDefects.boundary == 0)
    for i in 0..<big.vertexCount { #expect(big.vertex(i).x < 1.5) }
}
