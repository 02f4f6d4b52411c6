// Messages of the jobs API and the JES explorer (ZWEL1900-1949).

extension MessageCatalog {
    public static let jobsNoZOSMF = MessageDefinition(
        "ZWEL1900W", "{component}: ZOSMF_HOST is not set; every jobs request is answered 503",
        cause: "The jobs API answers by calling z/OSMF's restjobs interface, and the instance names no z/OSMF.",
        fix: "Set ZOSMF_HOST and ZOSMF_PORT in instance.env (for a local z/OSMF: 'zwe zosmf-stub'), trust its certificate ('zwe init certificate' with ZOWE_ZOSMF_HOST and ZOWE_ZOSMF_PORT), and restart the component.")

    /// The messages of this file, in id order.
    public static let jobsMessages: [MessageDefinition] = [jobsNoZOSMF]
}
