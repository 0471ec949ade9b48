import Foundation
import SplatMath

/// Writes COLMAP models in text or binary form, readable by COLMAP itself. Text numbers use the
/// shortest representation that reads back to the same Double, so read → write → read is exact.
/// Each file is written atomically.
public enum ColmapWriter {
    /// Writes `cameras.txt`, `images.txt`, `points3D.txt` into `directory` (created if needed).
    public static func writeText(_ model: ColmapModel, to directory: URL) throws {
        try createDirectory(directory)
        var cams = "# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n"
        cams += "# Number of cameras: \(model.cameras.count)\n"
        for cam in model.cameras.values.sorted(by: { $0.id < $1.id }) {
            cams += "\(cam.id) \(cam.model.name) \(cam.width) \(cam.height)"
            for p in cam.params { cams += " \(p)" }
            cams += "\n"
        }
        try write(cams, directory.appendingPathComponent("cameras.txt"))

        let meanObs = model.images.isEmpty ? 0 : Double(model.images.reduce(0) { $0 + $1.points2D.count }) / Double(model.images.count)
        var imgs = "# Image list with two lines of data per image:\n#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n"
        imgs += "#   POINTS2D[] as (X, Y, POINT3D_ID)\n# Number of images: \(model.images.count), mean observations per image: \(meanObs)\n"
        for im in model.images {
            let q = im.qvec, t = im.tvec
            imgs += "\(im.id) \(q.w) \(q.x) \(q.y) \(q.z) \(t.x) \(t.y) \(t.z) \(im.cameraID) \(im.name)\n"
            var first = true
            for p in im.points2D {
                imgs += first ? "" : " "
                imgs += "\(p.x) \(p.y) \(p.point3DID)"
                first = false
            }
            imgs += "\n"
        }
        try write(imgs, directory.appendingPathComponent("images.txt"))

        let meanTrack = model.points.isEmpty ? 0 : Double(model.points.reduce(0) { $0 + $1.track.count }) / Double(model.points.count)
        var pts = "# 3D point list with one line of data per point:\n#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n"
        pts += "# Number of points: \(model.points.count), mean track length: \(meanTrack)\n"
        for p in model.points {
            pts += "\(p.id) \(p.xyz.x) \(p.xyz.y) \(p.xyz.z) \(p.rgb.0) \(p.rgb.1) \(p.rgb.2) \(p.error)"
            for t in p.track { pts += " \(t.imageID) \(t.point2DIndex)" }
            pts += "\n"
        }
        try write(pts, directory.appendingPathComponent("points3D.txt"))
    }

    /// Writes `cameras.bin`, `images.bin`, `points3D.bin` into `directory` (created if needed).
    public static func writeBinary(_ model: ColmapModel, to directory: URL) throws {
        try createDirectory(directory)
        var cams = BinaryBuffer()
        cams.uint64(UInt64(model.cameras.count))
        for cam in model.cameras.values.sorted(by: { $0.id < $1.id }) {
            cams.int32(Int32(truncatingIfNeeded: cam.id))
            cams.int32(Int32(cam.model.rawValue))
            cams.uint64(UInt64(cam.width)); cams.uint64(UInt64(cam.height))
            for p in cam.params { cams.double(p) }
        }
        try write(cams.data, directory.appendingPathComponent("cameras.bin"))

        var imgs = BinaryBuffer()
        imgs.uint64(UInt64(model.images.count))
        for im in model.images {
            imgs.uint32(UInt32(truncatingIfNeeded: im.id))
            for v in [im.qvec.w, im.qvec.x, im.qvec.y, im.qvec.z, im.tvec.x, im.tvec.y, im.tvec.z] { imgs.double(v) }
            imgs.uint32(UInt32(truncatingIfNeeded: im.cameraID))
            imgs.cString(im.name)
            imgs.uint64(UInt64(im.points2D.count))
            for p in im.points2D { imgs.double(p.x); imgs.double(p.y); imgs.int64(p.point3DID) }
        }
        try write(imgs.data, directory.appendingPathComponent("images.bin"))

        var pts = BinaryBuffer()
        pts.uint64(UInt64(model.points.count))
        for p in model.points {
            pts.int64(p.id)
            pts.double(p.xyz.x); pts.double(p.xyz.y); pts.double(p.xyz.z)
            pts.uint8(p.rgb.0); pts.uint8(p.rgb.1); pts.uint8(p.rgb.2)
            pts.double(p.error)
            pts.uint64(UInt64(p.track.count))
            for t in p.track {
                pts.uint32(UInt32(truncatingIfNeeded: t.imageID)); pts.uint32(UInt32(truncatingIfNeeded: t.point2DIndex))
            }
        }
        try write(pts.data, directory.appendingPathComponent("points3D.bin"))
    }

    private static func createDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw SplatError("cannot create folder (\(error.localizedDescription))", path: url.path)
        }
    }

    private static func write(_ text: String, _ url: URL) throws { try write(Data(text.utf8), url) }

    private static func write(_ data: Data, _ url: URL) throws { try AtomicFile.write(data, to: url) }
}
