import SplatMath

extension GaussianParams {
    /// A new set whose row r is this set's row `rows[r]` (rows may repeat, in any order). Rows
    /// with `zeroed[r] == true` are all zero instead (used for the Adam moments of new Gaussians).
    public func gatheringRows(_ rows: [Int], zeroed: [Bool]? = nil) -> GaussianParams {
        var out = GaussianParams(count: 0, shDegree: shDegree, featureCount: featureCount)
        out.count = rows.count
        out.means = Self.gather(means, stride: 3, rows: rows, zeroed: zeroed)
        out.logScales = Self.gather(logScales, stride: 3, rows: rows, zeroed: zeroed)
        out.rotations = Self.gather(rotations, stride: 4, rows: rows, zeroed: zeroed)
        out.opacityLogits = Self.gather(opacityLogits, stride: 1, rows: rows, zeroed: zeroed)
        out.sh = Self.gather(sh, stride: Self.shStride, rows: rows, zeroed: zeroed)
        out.features = Self.gather(features, stride: featureCount, rows: rows, zeroed: zeroed)
        return out
    }

    static func gather(_ source: [Float], stride: Int, rows: [Int], zeroed: [Bool]?) -> [Float] {
        if stride == 0 { return [] }
        var out = [Float](repeating: 0, count: rows.count * stride)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (r, row) in rows.enumerated() where zeroed?[r] != true {
                    let s = row * stride, d = r * stride
                    for k in 0..<stride { dst[d + k] = src[s + k] }
                }
            }
        }
        return out
    }

    /// Largest activated scale, exp(max log-scale), of Gaussian `i`.
    func maxScale(_ i: Int) -> Float {
        exp(max(logScales[3 * i], max(logScales[3 * i + 1], logScales[3 * i + 2])))
    }

    /// True when every parameter is finite.
    public var isFinite: Bool {
        func finite(_ a: [Float]) -> Bool { a.allSatisfy { $0.isFinite } }
        return finite(means) && finite(logScales) && finite(rotations) && finite(opacityLogits)
            && finite(sh) && finite(features)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
