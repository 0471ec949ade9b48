import Foundation
import SplatIO
import SplatMath

extension LiftObjective {
    /// Without gradient blocking ([SUPP] ablation) the feature losses shape the geometry too:
    /// the rasterizer then passes dL/dF on to α, means and covariances (METHOD.md §1.2).
    public var featureGradientsReachGeometry: Bool { !config.gradientBlocking }

    public var stepInterval: Int { config.objectiveEvery }

    /// The codebook and its Adam state, as the `codebook.json` bytes (floats round-trip exactly),
    /// stored inside the training checkpoint so `--resume` continues bit for bit.
    public func checkpointState() throws -> [UInt8] {
        let file = CodebookFile(format: CodebookFile.formatName, entryCount: codebookModel.entryCount,
                                featureCount: codebookModel.featureCount, values: codebookModel.values, adam: optimizer)
        // Sorted keys: the same state gives the same checkpoint bytes.
        do { return Array(try JSONFiles.encoded(file, pretty: false)) } catch {
            throw SplatError("cannot encode the codebook state: \(error)")
        }
    }

    /// Restores what `checkpointState()` returned; throws when it does not fit this objective.
    public func restoreCheckpointState(_ bytes: [UInt8]) throws {
        let file: CodebookFile
        do { file = try JSONDecoder().decode(CodebookFile.self, from: Data(bytes)) } catch {
            throw SplatError("the checkpoint holds no codebook state for the lift objective (\(JSONErrorText.describe(error)))")
        }
        let codebook = try Codebook(entryCount: file.entryCount, featureCount: file.featureCount, values: file.values)
        guard let adam = file.adam, adam.firstMoment.count == file.values.count,
              adam.secondMoment.count == file.values.count else {
            throw SplatError("the checkpoint's codebook state has no usable optimiser state")
        }
        try restore(codebook: codebook, optimizer: adam)
    }
}
