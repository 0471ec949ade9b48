import SplatMath

/// For every pixel of the undistorted pinhole image, where to sample the distorted source image.
/// The undistorted camera keeps the source's size and pinhole intrinsics (fx, fy, cx, cy), so a
/// pixel centre (i + 0.5, j + 0.5) maps to normalized (x, y) = ((i + 0.5 − cx)/fx, (j + 0.5 − cy)/fy),
/// is distorted, and is mapped back to source pixels. Built once per camera; images resample
/// bilinearly and label maps by nearest pixel. Samples outside the source take the nearest edge pixel.
public struct UndistortionMap: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Source sample positions in index space (pixel centre k sits at k), row-major W·H.
    public let sourceX: [Float]
    public let sourceY: [Float]

    /// Builds the map for a `width`×`height` camera with pinhole intrinsics and lens `distortion`.
    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double, distortion: CameraDistortion) {
        self.width = width; self.height = height
        var sx = [Float](repeating: 0, count: width * height)
        var sy = [Float](repeating: 0, count: width * height)
        for j in 0..<height {
            let y = (Double(j) + 0.5 - cy) / fy
            for i in 0..<width {
                let (xd, yd) = distortion.distort((Double(i) + 0.5 - cx) / fx, y)
                sx[j * width + i] = Self.clamped(fx * xd + cx - 0.5, width)
                sy[j * width + i] = Self.clamped(fy * yd + cy - 0.5, height)
            }
        }
        sourceX = sx; sourceY = sy
    }

    /// Keeps samples inside the source (edge clamp); a non-finite position (lens model blown up
    /// far outside its valid radius) falls on the edge too.
    private static func clamped(_ v: Double, _ size: Int) -> Float {
        v.isFinite ? Float(min(max(v, 0), Double(size - 1))) : 0
    }

    /// The map of a camera whose intrinsics are given by a pinhole camera.
    public init(camera: PinholeCamera, distortion: CameraDistortion) {
        self.init(width: camera.width, height: camera.height, fx: camera.fx, fy: camera.fy,
                  cx: camera.cx, cy: camera.cy, distortion: distortion)
    }

    /// Bilinearly resamples `channels` planar W·H planes (edge-clamped).
    public func resampleBilinear(_ planes: [Float], channels: Int) -> [Float] {
        let n = width * height
        precondition(planes.count == channels * n, "planes must be channels·W·H")
        var out = [Float](repeating: 0, count: planes.count)
        let w = width, h = height
        planes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sourceX.withUnsafeBufferPointer { mx in
                    sourceY.withUnsafeBufferPointer { my in
                        for p in 0..<n {
                            let x = mx[p], y = my[p]
                            let x0 = Int(x), y0 = Int(y)
                            let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
                            let fx = x - Float(x0), fy = y - Float(y0)
                            let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
                            let i00 = y0 * w + x0, i10 = y0 * w + x1, i01 = y1 * w + x0, i11 = y1 * w + x1
                            for c in 0..<channels {
                                let b = c * n
                                dst[b + p] = w00 * src[b + i00] + w10 * src[b + i10] + w01 * src[b + i01] + w11 * src[b + i11]
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Resamples a W·H label map by nearest source pixel (labels are never blended).
    public func resampleNearest(_ labels: [Int32]) -> [Int32] {
        precondition(labels.count == width * height, "labels must be W·H")
        var out = [Int32](repeating: 0, count: labels.count)
        let w = width, h = height
        labels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sourceX.withUnsafeBufferPointer { mx in
                    sourceY.withUnsafeBufferPointer { my in
                        for p in 0..<(w * h) {
                            let i = min(Int(mx[p] + 0.5), w - 1), j = min(Int(my[p] + 0.5), h - 1)
                            dst[p] = src[j * w + i]
                        }
                    }
                }
            }
        }
        return out
    }
}
