import Foundation
import SplatIO
import SplatMath
import SplatTestSupport
import Testing

/// Every file of the bad-input corpus is refused by its reader with a one-line `SplatError` that
/// names the file: no crash, no hang, no accepted garbage (#18; docs/RELIABILITY.md).
@Suite struct CorpusReplayTests {
    @Test(arguments: CorpusReader.allCases)
    func everyFileIsRefusedInOneLine(_ reader: CorpusReader) throws {
        let files = reader.files
        #expect(!files.isEmpty, "no corpus files in \(reader.folder.path)")
        for file in files {
            let read = try reader.prepare(file)
            let prefix = reader.errorPrefix(read)
            do {
                try reader.read(read)
                Issue.record("\(reader.rawValue)/\(file.lastPathComponent) was accepted")
            } catch let error as SplatError {
                let line = error.description
                #expect(CorpusReplayTests.isOneReadableLine(line, startingWith: prefix),
                        "\(reader.rawValue)/\(file.lastPathComponent): \(line)")
            } catch let error as MaskImportProblems {
                // `masks import` prints each problem on its own line.
                for line in error.problems.map(\.description) {
                    #expect(CorpusReplayTests.isOneReadableLine(line, startingWith: prefix),
                            "\(reader.rawValue)/\(file.lastPathComponent): \(line)")
                }
            } catch {
                Issue.record("\(reader.rawValue)/\(file.lastPathComponent) threw a non-SplatError: \(error)")
            }
        }
    }

    /// One line, starting with the file's path (`prefix`), short, without Swift's debug dumps of errors.
    static func isOneReadableLine(_ line: String, startingWith prefix: String) -> Bool {
        let noise = ["DecodingError", "Swift.", "Optional(", "NSCocoaErrorDomain", "codingPath"]
        return !line.contains("\n") && line.hasPrefix(prefix) && line.count < 400
            && !noise.contains(where: line.contains)
    }
}
