import Foundation

/// Eq. 8, the association constraints on the confident pixels Ω (METHOD.md §1.3(c)), after the
/// logits pass and the ID mapping:
///
///     L_class  = [mean_{u∈Ω} CE(z_u, Ŷ_u)] / ln L, only when some pixel has argmax z_u ≠ Ŷ_u
///     L_concen = mean_{u∈Ω} ‖C[Ŷ_u] − f̂_u‖₂,   f̂_u = F_u/(‖F_u‖+1e-6)
///
/// dL_class/dC[k] = (Σ_{u∈Ω} P_u[k] F_u − Σ_{u∈Ω, Ŷ_u=k} F_u)/(|Ω| ln L);
/// dL_concen/dC[k] = Σ_{u∈Ω, Ŷ_u=k} (C[k] − f̂_u)/‖C[k] − f̂_u‖ / |Ω|.
/// Without gradient blocking they also reach F: dL_class/dF_u = (Σ_k P_u[k]C[k] − C[Ŷ_u])/(|Ω| ln L),
/// and L_concen differentiates through the normalisation (norm not detached).
enum AssociationLoss {
    struct Result {
        var classification = 0.0
        var concentration = 0.0
        /// Some pixel's argmax differs from its pseudo label (the L_class gate).
        var mismatch = false
        /// Codebook entry of every compact label.
        var pseudoEntries: [Int] = []
    }

    struct Inputs {
        var features: UnsafePointer<Float>        // H·W × d
        var normalized: UnsafePointer<Float>      // H·W × d
        var norms: UnsafePointer<Float>
        var pixelCount: Int
        var featureCount: Int
        var labels: UnsafePointer<UInt16>
        var labelCount: Int
        var areas: [Int]
        var keep: UnsafePointer<UInt8>
        var keptCount: Int
    }

    /// Computes both losses from `pass` (already run on `codebook`), writes the weighted codebook
    /// gradient into `codebookGradient` (overwritten) and, unless `gradientBlocking`, adds the
    /// weighted feature gradient into the planar `featureGradient`.
    static func evaluate(_ x: Inputs, pass: CodebookLogitsPass, codebook: [Float], entries: Int,
                         mapping: IDMappingCost, classWeight: Double, concentrationWeight: Double,
                         gradientBlocking: Bool, featureGradient: UnsafeMutablePointer<Float>,
                         codebookGradient: inout [Float]) -> Result {
        let d = x.featureCount, n = x.pixelCount
        var result = Result()
        result.pseudoEntries = IDMapping.pseudoEntries(probabilitySums: pass.probabilitySums, labelCount: x.labelCount,
                                                       entries: entries, areas: x.areas, mode: mapping)
        let pseudo = result.pseudoEntries.map { Int32($0) }
        let argmax = pass.argmaxBuffer.pointer
        for u in 0..<n where argmax[u] != pseudo[Int(x.labels[u])] { result.mismatch = true; break }

        if codebookGradient.count != entries * d { codebookGradient = [Float](repeating: 0, count: entries * d) }
        for i in 0..<codebookGradient.count { codebookGradient[i] = 0 }
        guard x.keptCount > 0 else { return result }

        let omega = Double(x.keptCount)
        let logL = Foundation.log(Double(entries))
        let classOn = result.mismatch
        var ownFeatureSum = [Double](repeating: 0, count: entries * d)   // Σ_{u∈Ω, Ŷ_u=k} F_u
        var pull = [Double](repeating: 0, count: entries * d)            // Σ (C[k] − f̂_u)/‖·‖
        var crossEntropy = 0.0, distance = 0.0
        let lse = pass.logSumExpBuffer.pointer
        let expectation = pass.expectationBuffer.pointer
        let classScale = Float(classWeight / (omega * logL))
        let concScale = Float(concentrationWeight / omega)
        var diff = [Float](repeating: 0, count: d)
        for u in 0..<n where x.keep[u] != 0 {
            let y = Int(pseudo[Int(x.labels[u])])
            let row = y * d
            var zy: Float = 0
            for j in 0..<d {
                let f = x.features[u * d + j]
                zy += codebook[row + j] * f
                ownFeatureSum[row + j] += Double(f)
            }
            crossEntropy += Double(lse[u] - zy)
            var sq: Float = 0
            for j in 0..<d {
                diff[j] = codebook[row + j] - x.normalized[u * d + j]
                sq += diff[j] * diff[j]
            }
            let dist = sq.squareRoot()
            distance += Double(dist)
            if dist > 0 {
                for j in 0..<d { pull[row + j] += Double(diff[j] / dist) }
            }
            guard !gradientBlocking else { continue }
            // Feature gradients of the unblocked variant.
            if classOn {
                for j in 0..<d {
                    featureGradient[j * n + u] += classScale * (expectation[u * d + j] - codebook[row + j])
                }
            }
            let norm = x.norms[u]
            if dist > 0 && norm > 0 {
                // g = dℓ/df̂ = (f̂ − c)/ℓ; dℓ/dF = g/(n+ε) − F (F·g)/(n (n+ε)²).
                let den = norm + FeatureNormalization.epsilon
                var fg: Float = 0
                for j in 0..<d { fg += x.features[u * d + j] * (-diff[j] / dist) }
                let radial = fg / (norm * den * den)
                for j in 0..<d {
                    let g = -diff[j] / dist
                    featureGradient[j * n + u] += concScale * (g / den - x.features[u * d + j] * radial)
                }
            }
        }
        result.concentration = distance / omega
        if classOn { result.classification = crossEntropy / omega / logL }
        for k in 0..<entries {
            for j in 0..<d {
                var g = concentrationWeight * pull[k * d + j] / omega
                if classOn {
                    g += classWeight * (pass.outer[j * entries + k] - ownFeatureSum[k * d + j]) / (omega * logL)
                }
                codebookGradient[k * d + j] = Float(g)
            }
        }
        return result
    }
}
