// Messages of the jobs API and the JES explorer (ZWEL1900-1949).

extension MessageCatalog {
    /// The messages of this file, in id order.
    public static let jobsMessages: [MessageDefinition] = []
}
