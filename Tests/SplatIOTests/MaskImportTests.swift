import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// `MaskImport` on Tests/fixtures/masks: the same masks of two photos in every source kind
/// (written by Tests/oracles/make_mask_import_fixtures.py with pycocotools) and the label maps
/// painted independently there (labels/).
@Suite struct MaskImportTests {
    static let stems = ["view_a", "view_b"]

    /// A writable copy of the fixtures.
    static func fixtureCopy() throws -> URL {
        let root = try TestData.temporaryDirectory("masks").appendingPathComponent("masks")
        try FileManager.default.copyItem(at: TestData.fixture("masks"), to: root)
        return root
    }

    static func run(_ root: URL, _ source: String, minArea: Int = 0) throws -> (MaskImportSummary, URL) {
        let out = root.appendingPathComponent("out")
        let summary = try MaskImport.run(source: root.appendingPathComponent(source),
                                         images: root.appendingPathComponent("images"), out: out, minArea: minArea)
        return (summary, out)
    }

    @Test(arguments: [("amg", MaskSourceKind.amgFolders), ("rle", .rleJSONFiles), ("rle_lists", .rleJSONFiles),
                      ("coco.json", .cocoAnnotations), ("labels", .labelPNGs)])
    func everySourceKindGivesTheSameLabelMaps(source: String, kind: MaskSourceKind) throws {
        let root = try Self.fixtureCopy()
        let (summary, out) = try Self.run(root, source)
        #expect(summary.kind == kind && summary.images == 2 && summary.imagesWithoutMasks == 0)
        // view_a: 5 masks, the empty one never shows; view_b: 4 masks, one covered by two smaller ones.
        #expect(summary.masksIn == (kind == .labelPNGs ? 7 : 9) && summary.masksKept == 7)
        #expect(try MaskSource.names(in: out) == Self.stems.map { $0 + ".png" })
        for stem in Self.stems {
            let expected = try ImageIO.readLabelMap(root.appendingPathComponent("labels/\(stem).png"))
            #expect(try ImageIO.readLabelMap(out.appendingPathComponent(stem + ".png")) == expected, "\(source) \(stem)")
        }
        #expect(try MaskSource.names(in: root).filter { $0.contains("partial") }.isEmpty)
    }

    @Test func smallerMasksStayOnTopAndSmallOnesAreDropped() {
        func mask(_ rows: [String]) -> BinaryMask {
            let labels = rows.flatMap { $0.map { $0 == "#" ? Int32(1) : 0 } }
            return BinaryMask(nonZeroOf: LabelMap(width: rows[0].count, height: rows.count, labels: labels))
        }
        let big = mask(["####.", "####.", "####."])
        let wide = mask([".....", "###..", "....."])      // 3 pixels, 2 of them under `small`
        let small = mask([".....", ".##..", "....."])
        let covered = mask(["##...", ".....", "....."])   // under `left` and `right`
        let left = mask(["#....", ".....", "....."]), right = mask([".#...", ".....", "....."])
        let speck = mask([".....", ".....", "....#"])
        let masks = [small, speck, big, covered, left, right, wide]
        // Painted big, wide, small, covered, speck, left, right (equal areas in source order);
        // `covered` is hidden, so ids 1...6 go to the others in that order.
        #expect(MaskCompositor.compose(masks, width: 5, height: 3, minArea: 0).labels == [5, 6, 1, 1, 0,
                                                                                          2, 3, 3, 1, 0,
                                                                                          1, 1, 1, 1, 4])
        // min-area 2: the 1-pixel masks are left out, so `covered` shows; `wide` keeps 1 visible
        // pixel, which becomes 0.
        #expect(MaskCompositor.compose(masks, width: 5, height: 3, minArea: 2).labels == [3, 3, 1, 1, 0,
                                                                                          0, 2, 2, 1, 0,
                                                                                          1, 1, 1, 1, 0])
        // min-area 3: `small` and `covered` go too, and all of `wide` shows.
        #expect(MaskCompositor.compose(masks, width: 5, height: 3, minArea: 3).labels == [1, 1, 1, 1, 0,
                                                                                          2, 2, 2, 1, 0,
                                                                                          1, 1, 1, 1, 0])
    }

    @Test func minAreaDropsMasksOnTheFixtures() throws {
        let root = try Self.fixtureCopy()
        // view_a loses its 1-pixel corner mask; view_b its two 3-pixel masks, so the 4-pixel mask
        // under them shows again.
        let (summary, out) = try Self.run(root, "rle", minArea: 4)
        #expect(summary.masksIn == 9 && summary.masksKept == 5)
        let a = try ImageIO.readLabelMap(out.appendingPathComponent("view_a.png"))
        #expect(Set(a.labels) == [0, 1, 2, 3] && a.labels.last == 0)
        let b = try ImageIO.readLabelMap(out.appendingPathComponent("view_b.png"))
        #expect(b.labels[1 * 7 + 1] == 2 && b.labels[2 * 7 + 2] == 2 && Set(b.labels) == [0, 1, 2])
    }

    /// Each broken copy fails with an error line naming the file; nothing is written.
    @Test(arguments: [
        ("amg", "missing metadata.csv", "amg/view_a/metadata.csv", "is missing"),
        ("amg", "mask PNG of another size", "amg/view_a/1.png", "is 7x5 but view_a.png is 8x6"),
        ("amg", "mask PNG not listed", "amg/view_b/9.png", "is not listed in metadata.csv"),
        ("amg", "image without masks", "images/view_c.png", "has no masks in"),
        ("rle", "RLE size disagrees", "rle/view_a.json", "mask 1: RLE size is 6x8 but view_a.png is 8x6"),
        ("rle", "malformed JSON", "rle/view_b.json", "is not valid JSON"),
        ("rle", "counts overrun", "rle/view_b.json", "mask 3: RLE runs overrun the 35-pixel mask"),
        ("rle", "masks without image", "rle/view_z.json", "has no image view_z.* in"),
        ("coco.json", "polygon", "coco.json", "annotation 2: segmentation is a polygon"),
        ("coco.json", "image of another size", "coco.json", "file_name view_b.jpg in the annotations is 7x5 but view_b.png is 8x6"),
        ("labels", "translucent colour label map", "labels/view_a.png", "translucent"),
    ])
    func badInputsAreOneLineErrorsNamingTheFile(source: String, breakage: String, file: String, message: String) throws {
        let root = try Self.fixtureCopy()
        try Self.breakFixture(root, breakage)
        let errors = Self.errors { _ = try Self.run(root, source) }
        let line = root.appendingPathComponent(file).path + ": "
        #expect(errors.contains { $0.hasPrefix(line) && $0.contains(message) && !$0.contains("\n") },
                "\(breakage): \(errors)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
        #expect(try MaskSource.names(in: root).filter { $0.contains("partial") }.isEmpty)
    }

    @Test func everyProblemIsListed() throws {
        let root = try Self.fixtureCopy()
        for breakage in ["image without masks", "masks without image", "counts overrun"] {
            try Self.breakFixture(root, breakage)
        }
        let errors = Self.errors { _ = try Self.run(root, "rle") }
        #expect(errors.count == 3, "\(errors)")
    }

    @Test func outputMustBeNewOrEmptyAndSourcesOneKind() throws {
        let root = try Self.fixtureCopy()
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        _ = try Self.run(root, "amg")   // an empty folder is fine
        #expect(Self.errors { _ = try Self.run(root, "amg") }.first?.contains("out: already exists") == true)
        try fm.copyItem(at: root.appendingPathComponent("rle/view_a.json"), to: root.appendingPathComponent("amg/view_a.json"))
        try fm.removeItem(at: root.appendingPathComponent("out"))
        #expect(Self.errors { _ = try Self.run(root, "amg") }.first?.contains(
            "mixes amg.py mask folders and per-image COCO RLE JSON files") == true)
        #expect(Self.errors { _ = try Self.run(root, "labels", minArea: 3) }.first?.contains("copied unchanged") == true)
    }

    /// The one-line errors a run throws (all of them for `MaskImportProblems`).
    static func errors(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as MaskImportProblems {
            return error.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static func breakFixture(_ root: URL, _ breakage: String) throws {
        let fm = FileManager.default
        func url(_ path: String) -> URL { root.appendingPathComponent(path) }
        func edit(_ path: String, _ change: (String) -> String) throws {
            try change(try String(contentsOf: url(path), encoding: .utf8)).write(to: url(path), atomically: true, encoding: .utf8)
        }
        switch breakage {
        case "missing metadata.csv": try fm.removeItem(at: url("amg/view_a/metadata.csv"))
        case "mask PNG of another size":
            try fm.removeItem(at: url("amg/view_a/1.png"))
            try fm.copyItem(at: url("amg/view_b/1.png"), to: url("amg/view_a/1.png"))
        case "mask PNG not listed": try fm.copyItem(at: url("amg/view_b/1.png"), to: url("amg/view_b/9.png"))
        case "image without masks": try fm.copyItem(at: url("images/view_a.png"), to: url("images/view_c.png"))
        case "RLE size disagrees": try edit("rle/view_a.json") { $0.replacingOccurrences(of: "\"size\": [6, 8], \"counts\": \"=5",
                                                                                         with: "\"size\": [8, 6], \"counts\": \"=5") }
        case "malformed JSON": try edit("rle/view_b.json") { String($0.dropLast(5)) }
        case "counts overrun":
            // view_b's last mask: one more run after the runs that already cover the 7x5 pixels.
            var records = try JSONSerialization.jsonObject(with: Data(contentsOf: url("rle/view_b.json"))) as? [[String: Any]] ?? []
            var rle = records[3]["segmentation"] as? [String: Any] ?? [:]
            rle["counts"] = (rle["counts"] as? String ?? "") + "3"
            records[3]["segmentation"] = rle
            try JSONSerialization.data(withJSONObject: records).write(to: url("rle/view_b.json"))
        case "masks without image": try fm.copyItem(at: url("rle/view_a.json"), to: url("rle/view_z.json"))
        case "polygon":
            try edit("coco.json") { $0.replacingOccurrences(of: "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 0, \"segmentation\": {",
                                                         with: "{\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"iscrowd\": 0, \"segmentation\": [[0, 0, 4, 0, 4, 4]], \"x\": {") }
        case "image of another size":
            try fm.removeItem(at: url("images/view_b.png"))
            try fm.copyItem(at: url("images/view_a.png"), to: url("images/view_b.png"))
        case "translucent colour label map":
            let gray = try ImageIO.readLabelMap(url("labels/view_a.png"))
            let n = gray.labels.count
            let pixels = (0..<3 * n).map { Float($0 < n ? gray.labels[$0] : 0) / 255 }
            try ImageIO.writePNG(RGBImage(width: gray.width, height: gray.height, pixels: pixels,
                                          alpha: [Float](repeating: 0.5, count: n)), to: url("labels/view_a.png"))
        default: Issue.record("unknown breakage \(breakage)")
        }
    }
}
