import Foundation
import NIOCore
import NIOHTTP1
import ZweComponentRuntime
import ZweMessages

/// A whole response the gateway makes itself: its own endpoints and API ML's error bodies.
struct GatewayResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: HTTPResponseStatus, _ value: some Encodable, headers: HTTPHeaders = HTTPHeaders()) -> GatewayResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The gateway's documents hold strings, numbers and maps only: encoding cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var all = headers
        all.replaceOrAdd(name: "Content-Type", value: "application/json")
        all.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return GatewayResponse(status: status, headers: all, body: ByteBuffer(bytes: data))
    }

    /// API ML's error body.
    static func error(_ status: HTTPResponseStatus, _ diagnostic: Diagnostic, headers: HTTPHeaders = HTTPHeaders()) -> GatewayResponse {
        json(status, APIMLErrorBody(diagnostic), headers: headers)
    }

    static func html(_ text: String) -> GatewayResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        return GatewayResponse(status: .ok, headers: headers, body: ByteBuffer(string: text))
    }
}
