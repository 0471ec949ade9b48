#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-image photometric metrics on planar images with values in [0, 1] (METHOD.md §4.4).
/// Sums run in Double so the result does not depend on image size.
public enum ImageMetrics {
    /// Mean squared error over every element of two equally sized images.
    public static func meanSquaredError(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "images differ in size")
        if a.isEmpty { return 0 }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var sum = 0.0
                for i in 0..<pa.count {
                    let d = Double(pa[i]) - Double(pb[i])
                    sum += d * d
                }
                return sum / Double(pa.count)
            }
        }
    }

    /// Mean absolute error (the L1 loss of 3DGS).
    public static func meanAbsoluteError(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "images differ in size")
        if a.isEmpty { return 0 }
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var sum = 0.0
                for i in 0..<pa.count { sum += abs(Double(pa[i]) - Double(pb[i])) }
                return sum / Double(pa.count)
            }
        }
    }

    /// PSNR = 20·log10(1/√MSE) in dB; +∞ for identical images.
    public static func psnr(_ a: [Float], _ b: [Float]) -> Double {
        psnr(mse: meanSquaredError(a, b))
    }

    /// PSNR from a mean squared error.
    public static func psnr(mse: Double) -> Double {
        mse > 0 ? -10 * log10(mse) : .infinity
    }
}
