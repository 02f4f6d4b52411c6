// Messages of trusting z/OSMF and the live handshake of preflight rule 9 (ZWEL1950-1999).

extension MessageCatalog {
    /// The messages of this file, in id order.
    public static let trustMessages: [MessageDefinition] = []
}
