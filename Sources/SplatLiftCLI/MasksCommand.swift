import ArgumentParser
import Foundation
import SplatIO
import SplatLift
import SplatMath

/// `splatlift masks …`: preparing per-image 2D instance masks for training.
struct MasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masks",
        abstract: "Prepare per-image 2D instance masks (SAM and friends) for training.",
        subcommands: [MasksImportCommand.self]
    )
}

/// `splatlift masks import SRC --images DIR --out SCENE/sam_masks`.
struct MasksImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert SAM-family mask output into label maps: one 16-bit <image stem>.png per image.",
        discussion: """
        The kind of SRC is detected from what it is: a .json file is a COCO annotations file (images with \
        file_name, width, height; annotations with image_id and an RLE segmentation); a folder of \
        sub-folders is segment-anything amg.py output (one folder per image stem with 0.png, 1.png, … and \
        metadata.csv); a folder of .json files holds one list of mask records with COCO RLE per image stem \
        (amg.py --convert-to-rle, SamAutomaticMaskGenerator output_mode="coco_rle", scripts/sam_masks.py); \
        a folder of .png files holds finished label maps, which are checked and copied unchanged. \
        Overlapping masks are painted largest first, so a smaller mask stays on top of a larger one; \
        pixels no mask covers are 0 and ids are renumbered 1..n per image (1 = the largest). Every photo \
        in --images (PNG/JPEG) needs masks, every mask entry needs a photo, and sizes must agree; any \
        problem is reported one line each and nothing is written. Details: docs/REAL-DATA.md.
        """
    )

    /// A progress line every this many images.
    static let progressEvery = 25
    /// At most this many problems are printed one per line.
    static let problemsShown = 50

    @Argument(help: "Mask source: a folder, or a COCO annotations .json file.") var source: String
    @Option(help: "Folder of the photos the masks belong to (matched by file stem).") var images: String
    @Option(help: "Output folder, e.g. SCENE/sam_masks; it must not exist or be empty.") var out: String
    @Option(parsing: .unconditional, help: "Masks with fewer pixels, on their own or left visible after painting, become 0 (0 keeps all).")
    var minArea = 0
    @Option(help: "Also write an overlay PNG per image (a colour per id over the photo) to this folder.")
    var preview: String?

    func validate() throws {
        try OptionCheck.int(minArea, "--min-area", 0...Int.max)
        guard preview.map({ URL(fileURLWithPath: $0).standardizedFileURL != URL(fileURLWithPath: out).standardizedFileURL })
            ?? true else { throw ValidationError("--preview must differ from --out") }
    }

    func run() throws {
        let start = Date()
        try oneLineErrors {
            let previews = try preview.map { try StagedFolder(URL(fileURLWithPath: $0)) }
            defer { previews?.discard() }
            let summary: MaskImportSummary
            do {
                summary = try MaskImport.run(
                    source: URL(fileURLWithPath: source), images: URL(fileURLWithPath: images),
                    out: URL(fileURLWithPath: out), minArea: minArea,
                    progress: { done, total in
                        if done % Self.progressEvery == 0 && done < total {
                            print("masks import: \(done)/\(total) images, \(seconds(since: start))")
                        }
                    },
                    visit: previews.map { folder in
                        { photo, labels in
                            let overlay = try SegmentationOverlay.overlay(try ImageIO.readImage(photo.url), ids: labels.labels,
                                                                          uncoloured: 0)
                            try ImageIO.writePNG(overlay, to: folder.staging.appendingPathComponent(photo.stem + ".png"))
                        }
                    })
            } catch let error as MaskImportProblems {
                throw report(error.problems)
            }
            try previews?.commit()
            print("masks import: \(summary.images) images (\(summary.kind.rawValue)), \(summary.masksIn) masks in, "
                + "\(summary.masksKept) kept, \(summary.imagesWithoutMasks) images without masks, "
                + "\(seconds(since: start)) -> \(out)" + (preview.map { " (previews: \($0))" } ?? ""))
        }
    }

    /// One problem is the error line; several are printed one per line before a closing error line.
    private func report(_ problems: [SplatError]) -> Error {
        guard problems.count > 1 else { return ValidationErrorLine("\(problems[0]) (nothing was written)") }
        for problem in problems.prefix(Self.problemsShown) {
            FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
        }
        let hidden = problems.count - Self.problemsShown
        return ValidationErrorLine("\(problems.count) problems" + (hidden > 0 ? " (\(hidden) not shown)" : "")
            + "; nothing was written")
    }

    private func seconds(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }
}
