import Testing
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
