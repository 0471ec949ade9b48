import Foundation
import Hummingbird
import SplatIO

/// Reading a request's JSON body into `T`; malformed JSON is a 400 naming the problem.
enum RequestDecoding {
    static let bodyLimit = 1 << 20

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: bodyLimit) } catch {
            throw ViewError(.contentTooLarge, "the request body is larger than \(bodyLimit) bytes")
        }
        let decoder = JSONDecoder()
        // "NaN" and "Infinity" strings decode, so the camera check can name them.
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity",
                                                                         negativeInfinity: "-Infinity", nan: "NaN")
        do { return try decoder.decode(T.self, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
            throw ViewError.badRequest("malformed JSON body: \(JSONErrorText.describe(error))")
        }
    }
}

/// The body of `POST /api/extract` and `POST /api/remove`.
struct ObjectIDsRequest: Decodable {
    var ids: [Int32]
    /// remove only: the new model folder's name, created beside the opened model.
    var out: String?
}

/// The body of `POST /api/render`.
struct RenderRequest: Decodable {
    var camera: CameraJSON
    var layer: RenderLayer?
    var sh: Int?
}

/// What `/api/render` draws: the colour image or the 16-bit object-id map.
enum RenderLayer: String, Decodable {
    case color, ids
}
