import Foundation
import SplatMath

/// Logits z = C·f and softmax over all L codebook entries for one feature vector, vectorised 16
/// entries per SIMD lane group. Holds a pointer to the codebook transposed to d × ⌈L/16⌉ vectors
/// (padding lanes 0), owned by the caller's scratch buffer.
struct CodebookKernel: @unchecked Sendable {
    let featureCount: Int
    let entries: Int
    let vectors: Int
    let transposed: UnsafeMutablePointer<V16>
    private let lastMask: V16
    private let lastLanes: VI16
    private let laneIndex = VI16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    /// Transposes `codebook` (L×d row-major) into `storage`.
    init(codebook: [Float], entries: Int, featureCount d: Int, storage: ScratchBuffer<V16>) {
        featureCount = d
        self.entries = entries
        vectors = (entries + 15) / 16
        transposed = storage.reserve(d * vectors, zeroed: true)
        for k in 0..<entries {
            for j in 0..<d { transposed[j * vectors + k / 16][k % 16] = codebook[k * d + j] }
        }
        let lastValid = entries - (vectors - 1) * 16
        lastMask = laneMask(valid: lastValid)
        lastLanes = laneBits(valid: lastValid)
    }

    /// Writes z = C·f into `z` (padding lanes 0).
    @inline(__always)
    func linear(_ f: UnsafePointer<Float>, into z: UnsafeMutablePointer<V16>) {
        let d = featureCount, nv = vectors
        // Two entry vectors per sweep over the feature dims share each broadcast.
        var v = 0
        while v &+ 1 < nv {
            var p = UnsafePointer(transposed) + v
            var a0 = V16(repeating: 0), a1 = V16(repeating: 0)
            for j in 0..<d {
                let b = V16(repeating: f[j])
                a0 = a0.addingProduct(b, p[0])
                a1 = a1.addingProduct(b, p[1])
                p += nv
            }
            z[v] = a0
            z[v &+ 1] = a1
            v &+= 2
        }
        if v < nv {
            var p = UnsafePointer(transposed) + v
            var a0 = V16(repeating: 0)
            for j in 0..<d {
                a0 = a0.addingProduct(V16(repeating: f[j]), p[0])
                p += nv
            }
            z[v] = a0
        }
    }

    /// Zeroes the padding lanes of the last vector.
    @inline(__always) func maskPadding(_ x: V16) -> V16 { x * lastMask }

    /// Writes z = C·f into `z` (padding lanes −∞-like) and returns the maximum and the first index
    /// attaining it.
    @inline(__always)
    func logits(_ f: UnsafePointer<Float>, into z: UnsafeMutablePointer<V16>) -> (max: Float, argmax: Int32) {
        linear(f, into: z)
        return maxAndArgmax(z)
    }

    /// Sets the padding lanes of the logits `z` to −∞-like and returns their maximum and the first
    /// index attaining it.
    @inline(__always)
    func maxAndArgmax(_ z: UnsafeMutablePointer<V16>) -> (max: Float, argmax: Int32) {
        let nv = vectors
        z[nv &- 1] = select(lastLanes, z[nv &- 1], V16(repeating: -.greatestFiniteMagnitude))
        // Running per-lane maximum; strict > keeps the first maximal entry of every lane.
        var bestValue = z[0]
        var bestIndex = laneIndex
        for v in 1..<max(nv, 1) {
            let value = z[v]
            let better = lessMask(bestValue, value)
            bestValue = select(better, value, bestValue)
            bestIndex = selectIndex(better, laneIndex &+ Int32(truncatingIfNeeded: v &* 16), bestIndex)
        }
        var maxValue = bestValue[0], maxIndex = bestIndex[0]
        for lane in 1..<16 {
            let value = bestValue[lane], index = bestIndex[lane]
            if value > maxValue || (value == maxValue && index < maxIndex) { maxValue = value; maxIndex = index }
        }
        // Lane 0 of every vector is a real entry, so only NaN logits could leave a padding index.
        return (maxValue, min(maxIndex, Int32(truncatingIfNeeded: entries &- 1)))
    }

    /// Turns the logits in `z` into probabilities in place (padding lanes 0); returns log Σ exp z.
    @inline(__always)
    func softmax(_ z: UnsafeMutablePointer<V16>, max maxValue: Float) -> Float {
        let shift = V16(repeating: maxValue)
        var total = V16(repeating: 0)
        for v in 0..<vectors {
            var e = vexp(z[v] - shift)
            if v == vectors - 1 { e *= lastMask }
            z[v] = e
            total += e
        }
        let sum = horizontalSum(total)
        let inv = V16(repeating: 1 / sum)
        for v in 0..<vectors { z[v] *= inv }
        return maxValue + Foundation.log(sum)
    }

    /// Probability of entry k from a softmaxed `z`.
    @inline(__always) func value(_ z: UnsafePointer<V16>, _ k: Int) -> Float { z[k / 16][k % 16] }
}
