import Foundation
import SplatMath

/// The page's binary Gaussian buffer (docs/VIEWER.md): a 16-byte header ("SPLV", version 1, the
/// Gaussian count, 14 floats per Gaussian), then per Gaussian 14 little-endian float32 —
/// position x y z, scale (linear) x y z, unit rotation w x y z, SH degree-0 colour r g b
/// (0.5 + c0·f_dc, at least 0, as the CPU rasterizer clamps it), opacity (sigmoid) — then one
/// uint32 object id per Gaussian (0 = none).
enum GaussianBuffer {
    static let magic = Array("SPLV".utf8)
    static let version: UInt32 = 1
    static let floatsPerGaussian = 14
    static let headerBytes = 16

    static func encode(_ g: GaussianParams, objectIDs: [Int32]) -> Data {
        let n = g.count
        var out = Data(count: headerBytes + n * (4 * floatsPerGaussian + 4))
        out.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            raw.copyBytes(from: magic)
            base.storeBytes(of: version.littleEndian, toByteOffset: 4, as: UInt32.self)
            base.storeBytes(of: UInt32(n).littleEndian, toByteOffset: 8, as: UInt32.self)
            base.storeBytes(of: UInt32(floatsPerGaussian).littleEndian, toByteOffset: 12, as: UInt32.self)
            let floats = (base + headerBytes).bindMemory(to: Float.self, capacity: n * floatsPerGaussian)
            let ids = (base + headerBytes + 4 * n * floatsPerGaussian).bindMemory(to: UInt32.self, capacity: n)
            let c0 = Float(SphericalHarmonics.c0)
            for i in 0..<n {
                let row = floats + i * floatsPerGaussian
                for k in 0..<3 {
                    row[k] = g.means[3 * i + k]
                    row[3 + k] = Foundation.exp(g.logScales[3 * i + k])
                    row[10 + k] = max(0.5 + c0 * g.sh[GaussianParams.shStride * i + k], 0)
                }
                let q = (0..<4).map { g.rotations[4 * i + $0] }
                let norm = max(q.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                for k in 0..<4 { row[6 + k] = q[k] / norm }
                row[13] = 1 / (1 + Foundation.exp(-g.opacityLogits[i]))
                ids[i] = UInt32(max(objectIDs.isEmpty ? 0 : objectIDs[i], 0))
            }
        }
        return out
    }
}
