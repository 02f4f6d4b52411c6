import Crypto
import Foundation
import Hummingbird
import NIOCore

/// A component's self-contained web page (the API catalog, the JES explorer): one HTML document
/// whose only script and style are inline, allowed by their hashes and nothing else.
public enum WebPage {
    /// `script-src` and `style-src` that allow exactly `script` and `style`, plus `extra`
    /// directives (connect-src, form-action, ...).
    public static func contentSecurityPolicy(script: String, style: String, extra: String) -> String {
        "default-src 'none'; script-src \(hash(script)); style-src \(hash(style)); " + extra
            + "; base-uri 'none'; frame-ancestors 'none'"
    }

    /// The page with headers that keep it from being cached, sniffed, framed or leaking its URL.
    public static func response(html: String, contentSecurityPolicy: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy,
                .init("X-Content-Type-Options")!: "nosniff",
                .init("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private static func hash(_ text: String) -> String {
        "'sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() + "'"
    }
}
