import ZweMessages

/// API Mediation Layer's error body, which Zowe clients parse:
/// `{"messages":[{"messageType","messageNumber","messageContent","messageAction","messageKey"}]}`.
public struct APIMLErrorBody: Encodable, Sendable {
    public struct Message: Encodable, Sendable {
        public let messageType: String
        public let messageNumber: String
        public let messageContent: String
        public let messageAction: String
        public let messageKey: String
    }

    public let messages: [Message]

    public init(_ diagnostic: Diagnostic) {
        let type = switch diagnostic.severity {
        case .error: "ERROR"
        case .warning: "WARNING"
        case .info: "INFO"
        }
        messages = [Message(
            messageType: type, messageNumber: diagnostic.id, messageContent: diagnostic.message,
            messageAction: diagnostic.fix, messageKey: "org.zowe.apiml.\(diagnostic.id)")]
    }
}
