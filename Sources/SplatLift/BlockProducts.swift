/// out[r·outRow + v] += Σ_k a[r·aRow + k·aDepth] · b[k·bDepth + v] for r < rows, v < vectors: a small
/// matrix product of scalars `a` with rows of 16-lane vectors `b`, which the codebook passes use
/// for blocks of pixels (logits C·F_u, outer products Σ_u F_u ⊗ P_u). Each output is one chain of
/// fused multiply-adds over k in ascending order, exactly as a per-output loop would compute it;
/// 2×2 tiles of outputs share their loads and stay in registers.
@inline(__always)
func accumulateProducts(rows: Int, depth: Int, vectors: Int, a: UnsafePointer<Float>, aRow: Int, aDepth: Int,
                        b: UnsafePointer<V16>, bDepth: Int, out: UnsafeMutablePointer<V16>, outRow: Int) {
    var r = 0
    while r < rows {
        let pair = r &+ 1 < rows
        let a0 = a + r &* aRow, a1 = a + (pair ? r &+ 1 : r) &* aRow
        let o0 = out + r &* outRow, o1 = out + (pair ? r &+ 1 : r) &* outRow
        var v = 0
        while v < vectors {
            let wide = v &+ 1 < vectors
            let w = wide ? v &+ 1 : v
            var s00 = o0[v], s01 = o0[w], s10 = o1[v], s11 = o1[w]
            var bk = b
            var k = 0
            while k < depth {
                let x0 = V16(repeating: a0[k &* aDepth]), x1 = V16(repeating: a1[k &* aDepth])
                let y0 = bk[v], y1 = bk[w]
                s00 = s00.addingProduct(x0, y0)
                s01 = s01.addingProduct(x0, y1)
                s10 = s10.addingProduct(x1, y0)
                s11 = s11.addingProduct(x1, y1)
                bk += bDepth
                k &+= 1
            }
            // Odd edges computed a duplicate of a real output; only distinct outputs are stored,
            // and the row's own value is written last.
            if pair {
                if wide { o1[w] = s11 }
                o1[v] = s10
            }
            if wide { o0[w] = s01 }
            o0[v] = s00
            v &+= 2
        }
        r &+= 2
    }
}
