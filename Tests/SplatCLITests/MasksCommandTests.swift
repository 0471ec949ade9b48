import Foundation
import SplatTestSupport
import Testing

/// `splatlift masks import` on Tests/fixtures/masks (the same masks of two photos in every source
/// kind; labels/ holds the expected label maps).
@Suite struct MasksCommandTests {
    static let fixtures = TestData.fixture("masks")

    static func importing(_ source: URL, images: URL, extra: [String] = []) throws -> (CLIRun, URL) {
        let out = try TestData.temporaryDirectory("masks-cli").appendingPathComponent("sam_masks")
        let run = try CLIRun(["masks", "import", source.path, "--images", images.path, "--out", out.path] + extra)
        return (run, out)
    }

    static func files(_ folder: URL) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) })
    }

    @Test func everySourceKindWritesTheSameLabelMaps() throws {
        let images = Self.fixtures.appendingPathComponent("images")
        var outputs: [[String: Data]] = []
        for (source, kind) in [("amg", "amg.py mask folders"), ("rle", "per-image COCO RLE JSON files"),
                               ("rle_lists", "per-image COCO RLE JSON files"), ("coco.json", "COCO annotations file")] {
            let (run, out) = try Self.importing(Self.fixtures.appendingPathComponent(source), images: images)
            #expect(run.status == 0 && run.stderr.isEmpty, "\(source): \(run.stderr)")
            #expect(run.stdout.contains("masks import: 2 images (\(kind)), 9 masks in, 7 kept, 0 images without masks"),
                    "\(run.stdout)")
            outputs.append(try Self.files(out))
        }
        #expect(outputs[0].keys.sorted() == ["view_a.png", "view_b.png"])
        #expect(outputs.allSatisfy { $0 == outputs[0] })

        let preview = try TestData.temporaryDirectory("masks-preview").appendingPathComponent("preview")
        let (labels, out) = try Self.importing(Self.fixtures.appendingPathComponent("labels"), images: images,
                                               extra: ["--preview", preview.path])
        #expect(labels.status == 0 && labels.stdout.contains("7 masks in, 7 kept") && labels.stdout.contains("previews"))
        #expect(try Self.files(out) == Self.files(Self.fixtures.appendingPathComponent("labels")))
        #expect(try Self.files(preview).keys.sorted() == ["view_a.png", "view_b.png"])
    }

    @Test func problemsAreListedOneLineEachAndNothingIsWritten() throws {
        let root = try TestData.temporaryDirectory("masks-bad").appendingPathComponent("masks")
        let fm = FileManager.default
        try fm.copyItem(at: Self.fixtures, to: root)
        try fm.removeItem(at: root.appendingPathComponent("amg/view_a/metadata.csv"))
        let images = root.appendingPathComponent("images")
        let preview = root.appendingPathComponent("preview")

        let (one, out) = try Self.importing(root.appendingPathComponent("amg"), images: images, extra: ["--preview", preview.path])
        #expect(one.status != 0 && !one.crashed)
        #expect(one.stderr.split(separator: "\n").count == 1, "\(one.stderr)")
        #expect(one.stderr.contains(root.appendingPathComponent("amg/view_a/metadata.csv").path + ": is missing"))

        try fm.copyItem(at: images.appendingPathComponent("view_a.png"), to: images.appendingPathComponent("view_c.png"))
        let (two, _) = try Self.importing(root.appendingPathComponent("amg"), images: images)
        let lines = two.stderr.split(separator: "\n").map(String.init)
        #expect(two.status != 0 && lines.count == 3, "\(two.stderr)")
        #expect(lines.contains { $0.hasPrefix("error: " + images.appendingPathComponent("view_c.png").path + ": has no masks") })
        #expect(lines.last?.contains("2 problems; nothing was written") == true)
        #expect(!fm.fileExists(atPath: out.path) && !fm.fileExists(atPath: preview.path))
        #expect(try fm.contentsOfDirectory(atPath: root.path).allSatisfy { !$0.contains("partial") })
    }
}
