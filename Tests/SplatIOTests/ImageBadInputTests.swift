import Foundation
import SplatMath
import SplatTestSupport
import Testing
@testable import SplatIO

/// Damaged or foreign files give one-line errors naming the file, never a crash or a silent image.
@Suite struct ImageBadInputTests {
    private func expectOneLineError(_ url: URL, containing text: String,
                                    _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: SplatError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.path == url.path, sourceLocation: sourceLocation)
        #expect(error?.description.contains(text) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.description.contains("\n") == false, sourceLocation: sourceLocation)
    }

    private func temporary(_ data: Data, _ name: String) throws -> URL {
        let url = try TestData.temporaryDirectory("bad-image").appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    @Test func truncatedPNG() throws {
        let full = ImageTestPNGEncoder.encode(width: 40, height: 30, bitDepth: 8, colorType: 2,
                                              samples: (0..<3600).map { $0 % 251 })
        let url = try temporary(full.prefix(full.count / 2), "half.png")
        expectOneLineError(url, containing: "PNG") { _ = try ImageIO.readImage(url) }
        expectOneLineError(url, containing: "PNG") { _ = try ImageIO.readLabelMap(url) }
        #expect(try ImageIO.imageSize(url) == (40, 30))  // the header alone is intact
        let stub = try temporary(full.prefix(12), "stub.png")
        expectOneLineError(stub, containing: "truncated PNG header") { _ = try ImageIO.imageSize(stub) }
    }

    @Test func notAnImage() throws {
        let url = try temporary(Data("ply\nformat ascii 1.0\n".utf8), "text.png")
        expectOneLineError(url, containing: "not a PNG or JPEG") { _ = try ImageIO.readImage(url) }
        expectOneLineError(url, containing: "not a PNG or JPEG") { _ = try ImageIO.imageSize(url) }
        expectOneLineError(url, containing: "must be a PNG") { _ = try ImageIO.readLabelMap(url) }
        let empty = try temporary(Data(), "empty.jpg")
        expectOneLineError(empty, containing: "not a PNG or JPEG") { _ = try ImageIO.readImage(empty) }
        let missing = URL(fileURLWithPath: "/nonexistent/splatlift/x.png")
        expectOneLineError(missing, containing: "cannot read") { _ = try ImageIO.readImage(missing) }
    }

    @Test(.enabled(if: TestData.url("instant-ngp-fox/images/0001.jpg") != nil, "needs the fox JPEGs"))
    func truncatedAndCorruptJPEG() throws {
        let full = try Data(contentsOf: try #require(TestData.url("instant-ngp-fox/images/0001.jpg")))
        let url = try temporary(full.prefix(full.count / 2), "half.jpg")
        expectOneLineError(url, containing: "truncated or corrupt JPEG") { _ = try ImageIO.readImage(url) }
        let header = try temporary(full.prefix(100), "header.jpg")
        expectOneLineError(header, containing: "JPEG") { _ = try ImageIO.readImage(header) }
    }
}
