import SplatMath

/// A rearrangement of the rows of every per-Gaussian array (densification): the rows with
/// `keep[row]` stay, in order, then one row per entry of `appended` follows, copied from that
/// row of the array before the edit.
struct RowEdit {
    var keep: [Bool]
    var appended: [Int]
}

extension Array where Element == Float {
    /// Applies `edit` in place to rows of `stride` values; appended rows are all zero with
    /// `zeroAppended`. Only the appended rows are buffered, never a second copy of the array.
    mutating func applyRowEdit(_ edit: RowEdit, stride: Int, zeroAppended: Bool) {
        guard stride > 0 else { return }
        precondition(count == edit.keep.count * stride, "row edit of an array with another row count")
        var newRows = [Float]()
        if !zeroAppended {
            newRows.reserveCapacity(edit.appended.count * stride)
            for row in edit.appended { newRows.append(contentsOf: self[(row * stride)..<((row + 1) * stride)]) }
        }
        var kept = 0
        withUnsafeMutableBufferPointer { rows in
            let base = rows.baseAddress!
            for row in 0..<edit.keep.count where edit.keep[row] {
                if kept != row { (base + kept * stride).update(from: base + row * stride, count: stride) }
                kept += 1
            }
        }
        removeLast(count - kept * stride)
        growCapacity(to: count + edit.appended.count * stride)
        if zeroAppended {
            append(contentsOf: repeatElement(0, count: edit.appended.count * stride))
        } else {
            append(contentsOf: newRows)
        }
    }
}

extension GaussianParams {
    /// Applies `edit` to every array, one at a time (see `Array.applyRowEdit`).
    mutating func applyRowEdit(_ edit: RowEdit, zeroAppended: Bool = false) {
        means.applyRowEdit(edit, stride: 3, zeroAppended: zeroAppended)
        logScales.applyRowEdit(edit, stride: 3, zeroAppended: zeroAppended)
        rotations.applyRowEdit(edit, stride: 4, zeroAppended: zeroAppended)
        opacityLogits.applyRowEdit(edit, stride: 1, zeroAppended: zeroAppended)
        sh.applyRowEdit(edit, stride: Self.shStride, zeroAppended: zeroAppended)
        features.applyRowEdit(edit, stride: featureCount, zeroAppended: zeroAppended)
        count = opacityLogits.count
    }

    /// Largest activated scale, exp(max log-scale), of Gaussian `i`.
    func maxScale(_ i: Int) -> Float {
        Self.maxScale(logScales[3 * i], logScales[3 * i + 1], logScales[3 * i + 2])
    }

    static func maxScale(_ s0: Float, _ s1: Float, _ s2: Float) -> Float { exp(max(s0, max(s1, s2))) }

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
