import SplatMath

/// A scalar field sampled on a regular grid: sample (i, j, k) sits at origin + voxelSize·(i, j, k),
/// values x-fastest. Samples with `valid` false (unobserved) produce no surface.
public struct ScalarGrid: Sendable {
    public var origin: Vec3
    public var voxelSize: Double
    public var nx: Int, ny: Int, nz: Int
    public var values: [Float]
    public var valid: [Bool]?

    public init(origin: Vec3, voxelSize: Double, nx: Int, ny: Int, nz: Int, values: [Float], valid: [Bool]? = nil) {
        self.origin = origin; self.voxelSize = voxelSize
        self.nx = nx; self.ny = ny; self.nz = nz
        self.values = values; self.valid = valid
    }

    @inline(__always) func index(_ i: Int, _ j: Int, _ k: Int) -> Int { (k * ny + j) * nx + i }

    /// Samples `f` at every grid point.
    public static func sampling(origin: Vec3, voxelSize: Double, nx: Int, ny: Int, nz: Int, _ f: (Vec3) -> Double) -> ScalarGrid {
        var values = [Float](repeating: 0, count: nx * ny * nz)
        for k in 0..<nz {
            for j in 0..<ny {
                for i in 0..<nx {
                    let p = origin + Vec3(Double(i), Double(j), Double(k)) * voxelSize
                    values[(k * ny + j) * nx + i] = Float(f(p))
                }
            }
        }
        return ScalarGrid(origin: origin, voxelSize: voxelSize, nx: nx, ny: ny, nz: nz, values: values)
    }
}

/// Marching cubes on a `ScalarGrid` (table: `MarchingCubesTable`). Values below `isoLevel` are
/// inside; triangles face the outside. Vertices on shared grid edges are shared, so a surface
/// that stays inside the valid samples is closed.
public enum MarchingCubes {
    /// Throws when the grid's arrays do not hold nx·ny·nz samples or a side has fewer than 2.
    public static func extract(_ grid: ScalarGrid, isoLevel: Float = 0) throws -> TriangleMesh {
        let n = grid.nx * grid.ny * grid.nz
        guard grid.nx >= 2, grid.ny >= 2, grid.nz >= 2, grid.values.count == n, grid.valid.map({ $0.count == n }) ?? true else {
            throw SplatError("a \(grid.nx)x\(grid.ny)x\(grid.nz) grid needs at least 2 samples a side and "
                + "\(n) values (and validity flags), not \(grid.values.count)")
        }
        var mesh = TriangleMesh()
        var vertexOfEdge = [Int: Int32]()     // key: 3 · (lower grid sample index) + axis
        let offsets = MarchingCubesTable.cornerOffsets
        var cornerValue = [Float](repeating: 0, count: 8)
        var cornerIndex = [Int](repeating: 0, count: 8)
        for k in 0..<(grid.nz - 1) {
            for j in 0..<(grid.ny - 1) {
                cubes: for i in 0..<(grid.nx - 1) {
                    var config = 0
                    for c in 0..<8 {
                        let index = grid.index(i + offsets[c].0, j + offsets[c].1, k + offsets[c].2)
                        if let valid = grid.valid, !valid[index] { continue cubes }
                        cornerIndex[c] = index
                        cornerValue[c] = grid.values[index]
                        if cornerValue[c] < isoLevel { config |= 1 << c }
                    }
                    if config == 0 || config == 255 { continue }
                    let entry = MarchingCubesTable.cases[config]
                    var centreVertex = [Int32](repeating: -1, count: entry.polygons.count)
                    for edge in entry.triangles {
                        if edge >= 12 {
                            // A polygon centre: the mean of its edge vertices, owned by this cube.
                            let p = edge - 12
                            if centreVertex[p] < 0 {
                                var sum = Vec3.zero
                                for e in entry.polygons[p] { sum += position(of: e) }
                                let centre = sum / Double(entry.polygons[p].count)
                                centreVertex[p] = Int32(mesh.vertexCount)
                                mesh.vertices += [Float(centre.x), Float(centre.y), Float(centre.z)]
                            }
                            mesh.triangles.append(centreVertex[p])
                            continue
                        }
                        let (a, b) = MarchingCubesTable.edgeCorners[edge]
                        let lower = min(cornerIndex[a], cornerIndex[b])
                        let axis = offsets[a].0 != offsets[b].0 ? 0 : (offsets[a].1 != offsets[b].1 ? 1 : 2)
                        let key = 3 * lower + axis
                        if let v = vertexOfEdge[key] { mesh.triangles.append(v); continue }
                        let p = position(of: edge)
                        let v = Int32(mesh.vertexCount)
                        mesh.vertices += [Float(p.x), Float(p.y), Float(p.z)]
                        vertexOfEdge[key] = v
                        mesh.triangles.append(v)
                    }
                    /// The iso crossing on a cube edge, in world coordinates.
                    func position(of edge: Int) -> Vec3 {
                        let (a, b) = MarchingCubesTable.edgeCorners[edge]
                        let t = Double((isoLevel - cornerValue[a]) / (cornerValue[b] - cornerValue[a]))
                        let pa = Vec3(Double(i + offsets[a].0), Double(j + offsets[a].1), Double(k + offsets[a].2))
                        let pb = Vec3(Double(i + offsets[b].0), Double(j + offsets[b].1), Double(k + offsets[b].2))
                        return grid.origin + (pa + (pb - pa) * t) * grid.voxelSize
                    }
                }
            }
        }
        return mesh
    }
}
