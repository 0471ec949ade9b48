import Foundation
import Testing
@testable import SplatLift
import SplatEval
import SplatIO
import SplatMath
import SplatRaster
import SplatTestSupport
import SplatTrain

/// The tiny scene (64×48, 10 training and 2 test views, 8 instances) with its SAM masks, loaded once.
private let tiny: (scene: Scene, views: [TrainingView], labels: [LabelMap])? = {
    guard let url = try? TestScenes.tiny(),
          let scene = try? SceneLoader.load(url, options: SceneLoadOptions()),
          let views = try? TrainingView.load(from: scene, indices: scene.trainIndices, downscale: 1),
          let labels = try? LiftTrainingLabels.load(from: scene, indices: scene.trainIndices, downscale: 1)
    else { return nil }
    return (scene, views, labels)
}()

/// A trainer with the Unified-Lift objective on the tiny scene.
private func tinyTrainer(_ config: TrainConfig, lift: LiftConfig = LiftConfig()) throws -> (Trainer, LiftObjective) {
    let (scene, views, labels) = try #require(tiny)
    let objective = try LiftObjective(config: lift, labelMaps: labels)
    let state = TrainState.initial(config: config, views: views, points: scene.points, pointColors: scene.pointColors,
                                   sceneExtent: scene.sceneExtent, featureCount: objective.featureCount)
    let trainer = try Trainer(config: config, views: views, state: state, backend: CPURasterizer(), objective: objective)
    return (trainer, objective)
}

/// A short run with densification from step 20 (every 25 steps) and an opacity reset at 60.
private func shortRun(iterations: Int, seed: UInt64) -> TrainConfig {
    var config = TrainConfig()
    config.iterations = iterations
    config.seed = seed
    config.densifyFromIteration = 20
    config.densificationInterval = 25
    config.opacityResetInterval = 60
    return config
}

/// Scene-protocol scores (one matching for all views, METHOD.md §4.3) of the lifted ids on the tiny scene's test views.
private func testScores(_ gaussians: GaussianParams, codebook: Codebook,
                        table: ObjectTable? = nil) throws -> SegmentationScores {
    let (scene, _, _) = try #require(tiny)
    let backend = CPURasterizer()
    var options = RenderOptions()
    options.renderFeatures = true
    var views = [SegmentationView]()
    for index in scene.testIndices {
        let output = backend.render(gaussians, camera: scene.camera(index), options: options)
        let pixels = output.width * output.height
        let ids = try table.map { try LiftInference.pixelIDs(features: output.features, pixelCount: pixels, codebook: codebook, table: $0) }
            ?? LiftInference.pixelIDs(features: output.features, pixelCount: pixels, codebook: codebook)
        let truth = try #require(try scene.loadGroundTruth(index))
        views.append(try SegmentationView(width: truth.width, height: truth.height, groundTruth: truth.labels,
                                          prediction: ids, name: scene.views[index].name))
    }
    return try SegmentationMetrics.scene(views)
}

@Suite struct JointTrainingTests {
    /// RGB + identity training on the tiny scene gives consistent ids on the held-out views. 1000 steps
    /// instead of 30,000, so the feature learning rate is 4× Unified-Lift's 0.0025.
    /// The codebook entries are then grouped into objects on the training views, and the model
    /// goes through the model-folder path (PLY with obj_dc/object_id, lift.json, codebook.json,
    /// objects.json) that `render --segmentation` and `eval` use.
    @Test func tinySceneReachesTestMIoU() throws {
        var config = TrainConfig()
        config.iterations = 1000
        config.seed = 1
        config.identityFeatureLR = 0.01
        let (trainer, objective) = try tinyTrainer(config)
        let start = Date()
        while !trainer.isFinished { try trainer.step() }
        let gaussians = trainer.state.gaussians
        let scores = try testScores(gaussians, codebook: objective.codebookModel)
        print("tiny scene joint training, \(config.iterations) iterations in \(String(format: "%.1f", Date().timeIntervalSince(start))) s, "
              + "\(gaussians.count) Gaussians: test " + scores.summary)
        #expect(scores.meanIoU >= 0.7)

        // Objects from the training views' masks.
        let (scene, views, _) = try #require(tiny)
        let inputs = try ObjectPipeline.Inputs(gaussians: gaussians, codebook: objective.codebookModel, cameras: views.map(\.camera),
                                               masks: objective.views, viewNames: views.map(\.name), backend: CPURasterizer())
        let (table, objectIDs) = try ObjectPipeline.run(inputs, settings: ObjectSettings())
        let grouped = try testScores(gaussians, codebook: objective.codebookModel, table: table)
        print("grouped into \(table.objects.count) objects: test " + grouped.summary)
        #expect(grouped.meanIoU >= 0.7)

        // Through a model folder.
        let folder = ModelFolder(try TestData.temporaryDirectory("joint"))
        defer { try? FileManager.default.removeItem(at: folder.url) }
        config.scenePath = scene.root.path
        try folder.writeConfig(config)
        try folder.writeLiftInfo(LiftModelInfo(config: objective.config, masksPath: try #require(scene.masksFolder).path))
        try folder.writeSegmentedPointCloud(GaussianPLY(gaussians: gaussians, objectIDs: objectIDs),
                                            to: folder.pointCloudURL(iteration: config.iterations), table: table,
                                            saveCodebook: objective.saveCodebook(to:))
        let segmented = try #require(try SegmentedModel.load(try TrainedModel.load(folder)))
        #expect(segmented.objectIDs == objectIDs)
        #expect(segmented.codebook == objective.codebookModel)
        #expect(segmented.table == table)
        let evaluation = try SegmentationEvaluation.evaluate(segmented, split: .test, groundTruthFolder: nil,
                                                             backend: CPURasterizer())
        print(evaluation.table)
        #expect(evaluation.views.count == scene.testIndices.count)
        // The feature argmax row is the grouped score above; the ids rendered from the voted
        // Gaussian ids are the prediction.
        #expect(abs(try #require(evaluation.report.featurePrediction).meanIoU - grouped.meanIoU) < 1e-9)
        #expect(evaluation.report.prediction.meanIoU >= 0.7)
        // Pixel ids are the objects of the Gaussians drawn there: every Gaussian of a shown object.
        let (_, ids) = try segmented.render(view: scene.testIndices[0], backend: CPURasterizer())
        #expect(Set(ids).isSubset(of: Set(objectIDs).union([0])))
        let masks = try #require(evaluation.report.inputMasks)
        #expect(masks.views == scene.testIndices.count && masks.meanIoU > 0)
    }

    /// A run checkpointed (with the codebook and its Adam in the objective state) and resumed
    /// ends bit-identical to the uninterrupted run, through densification and an opacity reset.
    @Test func resumeWithSegmentationIsBitIdentical() throws {
        let config = shortRun(iterations: 130, seed: 7)
        var lift = LiftConfig()
        lift.sampleCount = 4096
        let (straight, straightObjective) = try tinyTrainer(config, lift: lift)
        while !straight.isFinished { try straight.step() }

        let (first, firstObjective) = try tinyTrainer(config, lift: lift)
        for _ in 0..<53 { try first.step() }
        let bytes = TrainCheckpoint(state: first.state, objectiveState: try firstObjective.checkpointState()).encoded()
        let restored = try TrainCheckpoint.decode(bytes)
        let (_, views, labels) = try #require(tiny)
        let objective = try LiftObjective(config: lift, labelMaps: labels)
        try objective.restoreCheckpointState(restored.objectiveState)
        let second = try Trainer(config: config, views: views, state: restored.state, backend: CPURasterizer(),
                                 objective: objective)
        while !second.isFinished { try second.step() }
        #expect(second.state.gaussians.count != 0 && second.state == straight.state)
        #expect(objective.codebookModel == straightObjective.codebookModel)
        #expect(objective.optimizer == straightObjective.optimizer)
        // A checkpoint without lift state is refused, not silently restarted.
        #expect(throws: SplatError.self) { try objective.restoreCheckpointState([]) }
    }

    /// With gradient blocking the objective never reaches the geometry, so running it on every
    /// third step only (`objectiveEvery`) leaves the geometry bit-identical to every step, through
    /// densification and an opacity reset; on the steps between, the features and codebook stay put.
    @Test func objectiveOnEveryNthStepLeavesTheGeometryAlone() throws {
        let config = shortRun(iterations: 90, seed: 3)
        var lift = LiftConfig()
        lift.sampleCount = 4096
        let (everyStep, _) = try tinyTrainer(config, lift: lift)
        while !everyStep.isFinished { try everyStep.step() }
        lift.objectiveEvery = 3
        let (sparse, objective) = try tinyTrainer(config, lift: lift)
        var objectiveSteps = 0
        while !sparse.isFinished {
            let features = sparse.state.gaussians.features, codebook = objective.codebookModel
            let report = try sparse.step()
            if report.iteration % 3 == 0 {
                objectiveSteps += 1
                #expect(!report.objectiveTerms.isEmpty)
            } else if report.densify == nil {
                #expect(report.objectiveTerms.isEmpty)
                #expect(sparse.state.gaussians.features == features && objective.codebookModel == codebook)
            }
        }
        #expect(objectiveSteps == 30)
        var a = everyStep.state.gaussians, b = sparse.state.gaussians
        #expect(a.features != b.features)
        a.features = []; b.features = []
        #expect(a.count > 0 && a == b)
    }

    /// A lift.json written before `objectiveEvery` existed ran the objective on every step, and a
    /// resumed run keeps doing so; the codebook's Adam takes the interval's larger steps.
    @Test func olderLiftFilesRunTheObjectiveOnEveryStep() throws {
        #expect(LiftConfig().objectiveEvery == 4)
        #expect(try LiftConfig.decodedWithout(key: "objectiveEvery").objectiveEvery == 1)
        var bad = LiftConfig()
        bad.objectiveEvery = 0
        #expect(throws: SplatError.self) { try bad.validate() }
        let (_, _, labels) = try #require(tiny)
        var lift = LiftConfig()
        lift.objectiveEvery = 3
        #expect(try LiftObjective(config: lift, labelMaps: labels).optimizer.learningRate == 3 * lift.codebookLearningRate)
    }
}
