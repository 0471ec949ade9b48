import Foundation
import SplatMath

/// The small side files of a scene folder: the points3D PLY, plain text.
enum SmallFormats {
    static func writeData(_ data: Data, to url: URL) throws {
        do { try data.write(to: url, options: .atomic) } catch {
            throw SplatError("cannot write the file (\(error.localizedDescription))", path: url.path)
        }
    }

    static func writeText(_ text: String, to url: URL) throws { try writeData(Data(text.utf8), to: url) }

    /// Binary little-endian PLY with float x, y, z and uchar red, green, blue (nerfstudio's sparse_pc.ply).
    static func writePointCloudPLY(_ points: SynthPoints, to url: URL) throws {
        let n = points.xyz.count
        var data = Data(("ply\nformat binary_little_endian 1.0\nelement vertex \(n)\nproperty float x\nproperty float y\n"
            + "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n").utf8)
        for k in 0..<n {
            for c in [points.xyz[k].x, points.xyz[k].y, points.xyz[k].z] {
                withUnsafeBytes(of: Float(c).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            data.append(contentsOf: points.rgb[(3 * k)..<(3 * k + 3)])
        }
        try writeData(data, to: url)
    }

    /// `POINT3D_ID INSTANCE_ID` lines (ids 1-based, as in points3D).
    static func pointInstances(_ points: SynthPoints) -> String {
        var s = "# POINT3D_ID INSTANCE_ID (instance whose surface the point was sampled from)\n"
        for (k, i) in points.instance.enumerated() { s += "\(k + 1) \(i)\n" }
        return s
    }
}
