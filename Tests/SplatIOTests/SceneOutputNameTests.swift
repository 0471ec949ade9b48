import Testing
import SplatMath
@testable import SplatIO

/// `Scene.outputNames`: the names `render` writes a view's files under never collide.
@Suite struct SceneOutputNameTests {
    @Test func uniqueStemsStayStems() {
        #expect(Scene.outputNames(["frame_00001.jpg", "frame_00002.png", "cams/left.jpg"])
                == ["frame_00001", "frame_00002", "left"])
    }

    @Test func repeatedStemsKeepTheirSubFolders() {
        // NeRF-synthetic: train/r_0.png and val/r_0.png; a COLMAP rig: cam1/0001.jpg and cam2/0001.jpg.
        #expect(Scene.outputNames(["train/r_0.png", "train/r_1.png", "val/r_0.png", "val/r_7.png"])
                == ["train/r_0", "r_1", "val/r_0", "r_7"])
        #expect(Scene.outputNames(["cam1/0001.jpg", "cam2/0001.jpg", "0001.png"]) == ["cam1/0001", "cam2/0001", "0001"])
        #expect(Scene.outputNames([]) == [])
    }
}

/// `Scene.viewIndex(_:names:)`: how `--pixel VIEW:X,Y` and `--mask VIEW:PNG` name a view.
@Suite struct SceneViewIndexTests {
    let blender = ["train/r_0.png", "train/r_1.png", "val/r_0.png", "val/r_7.png"]

    @Test func exactNamesWinOverStems() throws {
        // val/r_0.png used to resolve to train/r_0.png, the first view with the stem r_0.
        #expect(try Scene.viewIndex("val/r_0.png", names: blender) == 2)
        #expect(try Scene.viewIndex("train/r_0.png", names: blender) == 0)
        #expect(try Scene.viewIndex("3", names: blender) == 3)
    }

    @Test func uniqueStemsResolve() throws {
        #expect(try Scene.viewIndex("r_7", names: blender) == 3)
        #expect(try Scene.viewIndex("r_1.jpg", names: blender) == 1)
        #expect(try Scene.viewIndex("frame_00003", names: ["frame_00001.jpg", "frame_00003.jpg"]) == 1)
    }

    @Test func sharedStemsAndUnknownNamesAreRefused() {
        #expect(throws: SplatError.self) { try Scene.viewIndex("r_0", names: blender) }
        do { _ = try Scene.viewIndex("r_0", names: blender) } catch {
            #expect("\(error)".contains("names 2 views (train/r_0.png, val/r_0.png)"), "\(error)")
        }
        #expect(throws: SplatError.self) { try Scene.viewIndex("r_9", names: blender) }
        #expect(throws: SplatError.self) { try Scene.viewIndex("4", names: blender) }
    }
}
