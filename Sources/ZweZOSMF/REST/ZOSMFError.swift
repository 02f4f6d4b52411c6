import Hummingbird

/// An error as z/OSMF's REST services answer it: an HTTP status and the JSON body
/// `{"rc","reason","category","message"}`, with the codes and texts of z/OSMF's jobs service
/// (category 6, service errors; 7, server errors) where it has one for the case.
struct ZOSMFError: Error, Sendable {
    var status: HTTPResponse.Status
    var rc: Int
    var reason: Int
    var category: Int
    var message: String
    /// Extra body fields (the security layer's `errorID` and `errorMsg`).
    var extra: [String: String] = [:]

    private static func service(_ reason: Int, _ message: String) -> ZOSMFError {
        ZOSMFError(status: .badRequest, rc: 4, reason: reason, category: 6, message: message)
    }

    static func jobNotFound(_ reference: String) -> ZOSMFError {
        service(10, "No job found for reference: '\(reference)'")
    }

    static func noSpoolFile(_ reference: String, _ id: String) -> ZOSMFError {
        service(12, "Job '\(reference)' does not contain spool file id \(id)")
    }

    static func noMatch(method: String, path: String) -> ZOSMFError {
        service(7, "No match for method \(method) and pathInfo='\(path)'")
    }

    static func invalidQuery(_ name: String) -> ZOSMFError {
        service(4, "Value of \(name) query parameter is not valid")
    }

    static func invalidUpdate() -> ZOSMFError {
        service(6, "Request does not contain a valid job update request")
    }

    static func missingContent(_ what: String) -> ZOSMFError {
        service(3, "Request does not contain '\(what)' content")
    }

    static func recordTooLong(_ length: Int, maximum: Int) -> ZOSMFError {
        service(9, "Job submission error. Record length \(length) too long for JCL submission, maxlen=\(maximum)")
    }

    static func notAJob() -> ZOSMFError {
        service(13, "Job input was not recognized by system as a job")
    }

    static func dataSetNotFound() -> ZOSMFError {
        service(16, "Data set not found")
    }

    static func noSlash() -> ZOSMFError {
        service(17, "Submit input data does not start with a slash")
    }

    static func pathNotAbsolute(_ path: String) -> ZOSMFError {
        service(18, "Submit input filename must be absolute path: \(path)")
    }

    static func invalidRecordRange(_ text: String) -> ZOSMFError {
        service(11, "Record range '\(text)' is not valid for spool file record request")
    }

    static func tooLarge(_ limit: Int) -> ZOSMFError {
        ZOSMFError(status: .contentTooLarge, rc: 4, reason: 9, category: 6, message: "The request body is larger than \(limit) bytes")
    }

    /// Something failed on the stub's side (its disk); nothing was done.
    static func server(_ detail: String) -> ZOSMFError {
        ZOSMFError(status: .internalServerError, rc: 8, reason: 0, category: 7, message: "Server error occurred: \(detail)")
    }

    static func notFound(_ path: String) -> ZOSMFError {
        ZOSMFError(status: .notFound, rc: 4, reason: 7, category: 6, message: "No z/OSMF service at \(path)")
    }

    static func methodNotAllowed(_ method: String, _ path: String) -> ZOSMFError {
        ZOSMFError(status: .methodNotAllowed, rc: 4, reason: 7, category: 6, message: "No match for method \(method) and pathInfo='\(path)'")
    }

    /// No credentials, or ones that are not valid.
    static func unauthorized(_ message: String) -> ZOSMFError {
        ZOSMFError(status: .unauthorized, rc: 8, reason: 1, category: 1, message: message)
    }

    /// A change (PUT, POST, DELETE) without the header that proves it is not a cross-site request.
    static func csrfHeaderMissing(method: String) -> ZOSMFError {
        let text = "IZUG846W: An HTTP request for a z/OSMF REST service was received from a remote site. The request "
            + "was rejected because a \(method) request must carry the X-CSRF-ZOSMF-HEADER header (any value)."
        return ZOSMFError(status: .forbidden, rc: 8, reason: 2, category: 1, message: text,
                          extra: ["errorID": "IZUG846W", "errorMsg": text])
    }
}
