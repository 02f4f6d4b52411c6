// Messages of the z/OSMF stub (ZWEL1850-1899).

extension MessageCatalog {
    /// The messages of this file, in id order.
    public static let zosmfMessages: [MessageDefinition] = []
}
