import Foundation
import SplatIO
import SplatMath

/// The COLMAP model of a generated scene: one PINHOLE camera, every view (world→camera qvec/tvec,
/// IMAGE_ID = view + 1) with its 2D observations, and points3D with tracks; written as text and binary
/// by SplatIO's `ColmapWriter`. Values are rounded first (observations 0.01 px, points 1 µm, errors
/// 1e-4 px) so the text stays short and both forms hold the same numbers.
enum ColmapExport {
    static func rounded(_ v: Double, _ scale: Double) -> Double { (v * scale).rounded() / scale }

    static func model(_ g: GeneratedScene, names: [String]) -> ColmapModel {
        let cams = g.scene.cameras, pts = g.points
        let c0 = cams[0]
        let camera = ColmapCamera(id: 1, model: .pinhole, width: c0.width, height: c0.height,
                                  params: [c0.fx, c0.fy, c0.cx, c0.cy])
        let images = cams.enumerated().map { i, cam in
            ColmapImage(id: i + 1, qvec: Quat(rotation: cam.rotation), tvec: cam.translation, cameraID: 1, name: names[i],
                        points2D: pts.observations[i].map {
                            ColmapObservation(x: rounded($0.x, 100), y: rounded($0.y, 100), point3DID: Int64($0.point + 1))
                        })
        }
        let points = pts.xyz.indices.map { k in
            ColmapPoint(id: Int64(k + 1),
                        xyz: Vec3(rounded(pts.xyz[k].x, 1e6), rounded(pts.xyz[k].y, 1e6), rounded(pts.xyz[k].z, 1e6)),
                        rgb: (pts.rgb[3 * k], pts.rgb[3 * k + 1], pts.rgb[3 * k + 2]), error: rounded(pts.error[k], 1e4),
                        track: pts.tracks[k].map { ColmapTrackElement(imageID: $0.view + 1, point2DIndex: $0.observation) })
        }
        return ColmapModel(cameras: [1: camera], images: images, points: points)
    }

    static func write(_ g: GeneratedScene, names: [String], to dir: URL) throws {
        let m = model(g, names: names)
        try ColmapWriter.writeText(m, to: dir)
        try ColmapWriter.writeBinary(m, to: dir)
    }
}
