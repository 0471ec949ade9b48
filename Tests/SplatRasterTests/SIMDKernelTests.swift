import Testing
@testable import SplatRaster

struct SIMDKernelTests {
    @Test func transpose8MatchesTheScalarTranspose() {
        let rowStride = 13, columnStride = 11
        let rows = (0..<(8 * rowStride)).map { Float($0) * 0.5 - 7 }
        var columns = [Float](repeating: .nan, count: 8 * columnStride)
        rows.withUnsafeBufferPointer { r in
            columns.withUnsafeMutableBufferPointer { c in
                transpose8(r.baseAddress!, rowStride: rowStride, into: c.baseAddress!, columnStride: columnStride)
            }
        }
        for c in 0..<8 {
            for r in 0..<8 { #expect(columns[c * columnStride + r] == rows[r * rowStride + c], "column \(c), row \(r)") }
            for pad in 8..<columnStride { #expect(columns[c * columnStride + pad].isNaN, "wrote past column \(c)") }
        }
    }
}
