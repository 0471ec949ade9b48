import Foundation
import SplatIO
import SplatMath

/// Writes meshes as binary little-endian PLY (vertex x, y, z float; face list uchar int) or
/// Wavefront OBJ, atomically (temporary file in the same folder, then rename).
public enum MeshWriter {
    public static func writePLY(_ mesh: TriangleMesh, to url: URL) throws {
        var data = Data("""
        ply
        format binary_little_endian 1.0
        comment written by SplatLift
        element vertex \(mesh.vertexCount)
        property float x
        property float y
        property float z
        element face \(mesh.triangleCount)
        property list uchar int vertex_indices
        end_header\n
        """.utf8)
        data.reserveCapacity(data.count + 12 * mesh.vertexCount + 13 * mesh.triangleCount)
        for value in mesh.vertices { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        for t in 0..<mesh.triangleCount {
            data.append(3)
            for k in 0..<3 { withUnsafeBytes(of: mesh.triangles[3 * t + k].littleEndian) { data.append(contentsOf: $0) } }
        }
        try write(data, to: url)
    }

    public static func writeOBJ(_ mesh: TriangleMesh, to url: URL) throws {
        var text = "# written by SplatLift\n"
        text.reserveCapacity(40 * (mesh.vertexCount + mesh.triangleCount))
        for i in 0..<mesh.vertexCount {
            text += "v \(mesh.vertices[3 * i]) \(mesh.vertices[3 * i + 1]) \(mesh.vertices[3 * i + 2])\n"
        }
        for t in 0..<mesh.triangleCount {
            text += "f \(mesh.triangles[3 * t] + 1) \(mesh.triangles[3 * t + 1] + 1) \(mesh.triangles[3 * t + 2] + 1)\n"
        }
        try write(Data(text.utf8), to: url)
    }

    /// PLY for `.ply`, OBJ for `.obj`.
    public static func write(_ mesh: TriangleMesh, to url: URL) throws {
        switch url.pathExtension.lowercased() {
        case "ply": try writePLY(mesh, to: url)
        case "obj": try writeOBJ(mesh, to: url)
        default: throw SplatError("unknown mesh format (use .ply or .obj)", path: url.path)
        }
    }

    private static func write(_ data: Data, to url: URL) throws { try AtomicFile.write(data, to: url) }
}
