// Messages of the discovery service, the registry (ZWEL1700-1749): registrations, leases
// and evictions (ZWEL1700-1709), client certificates on /eureka/** (ZWEL1710-1719), static
// definitions (ZWEL1720-1729) and the registry's settings (ZWEL1730-1739).

extension MessageCatalog {
    // MARK: registrations and leases (ZWEL1700-1709)
    public static let discoveryRegistered = MessageDefinition(
        "ZWEL1700I", "discovery: registered instance {app}/{id} with status {status}",
        cause: "A service registered an instance (or registered it again); the gateway and the catalog see it from their next registry fetch.",
        fix: "No action is needed.")
    public static let discoveryCancelled = MessageDefinition(
        "ZWEL1701I", "discovery: cancelled instance {app}/{id}",
        cause: "The service told the registry that the instance is gone, usually because it is stopping.",
        fix: "No action is needed.")
    public static let discoveryEvicted = MessageDefinition(
        "ZWEL1702W", "discovery: evicted instance {app}/{id}: no renewal within its lease of {seconds} s",
        cause: "The instance stopped renewing its registration: it ended without cancelling it, hangs, or cannot reach the discovery service.",
        fix: "Check the service that registered {app}: its log, whether it runs, and whether it reaches the discovery service with a trusted client certificate.")
    public static let discoveryStatusOverridden = MessageDefinition(
        "ZWEL1703I", "discovery: status of {app}/{id} overridden to {status}",
        cause: "A status override was set (PUT .../status); clients see this status until it is removed, whatever the instance reports.",
        fix: "Remove the override with DELETE /eureka/apps/{app}/{id}/status when the instance should take traffic again.")
    public static let discoveryOverrideRemoved = MessageDefinition(
        "ZWEL1704I", "discovery: status override of {app}/{id} removed; its status is {status}",
        cause: "The status override was removed (DELETE .../status); the instance's own status counts again.",
        fix: "No action is needed.")

    // MARK: client certificates (ZWEL1710-1719)
    public static let discoveryClientCertificateMissing = MessageDefinition(
        "ZWEL1710E", "Client certificate is missing: {path} requires a client certificate that chains to the truststore of the discovery service",
        cause: "In verify modes STRICT and NONSTRICT the registry answers /eureka/** only to clients that present a certificate issued by a CA of its truststore; this request came without one.",
        fix: "Make the client present the Zowe certificate (KEYSTORE, KEY_ALIAS) or another certificate issued by a CA in TRUSTSTORE, e.g. curl --cert/--key.")
    public static let discoveryClientCertificateUntrusted = MessageDefinition(
        "ZWEL1711E", "Client certificate is not trusted: {path} requires a client certificate that chains to the truststore of the discovery service; '{subject}' does not: {reason}",
        cause: "In verify modes STRICT and NONSTRICT the registry answers /eureka/** only to clients whose certificate chains to a CA of its truststore, is within its validity dates and may be used for client authentication.",
        fix: "Present the Zowe certificate (KEYSTORE, KEY_ALIAS), or import the CA that issued '{subject}' into the truststore of the instance.")

    // MARK: static definitions (ZWEL1720-1729)
    public static let discoveryStaticLoaded = MessageDefinition(
        "ZWEL1720I", "discovery: {count} static instances from {files} definition files in {dir}",
        cause: "The static definitions in STATIC_DEF_CONFIG_DIR were read at start-up; their instances are registered without a lease and never evicted.",
        fix: "No action is needed.")
    public static let discoveryStaticFolderUnreadable = MessageDefinition(
        "ZWEL1721E", "discovery: cannot read the static definitions folder {dir}: {reason}",
        cause: "STATIC_DEF_CONFIG_DIR names a folder that is missing or that the components' user may not read; no static service is registered.",
        fix: "Check STATIC_DEF_CONFIG_DIR in instance.env and the folder's permissions, then restart discovery.")
    public static let discoveryStaticFileInvalid = MessageDefinition(
        "ZWEL1722E", "discovery: static definition file {path} is not used: {reason}",
        cause: "The file cannot be read, is not YAML, or has no 'services' list; the services in it are not registered. The other files are.",
        fix: "Correct the file (services: [{serviceId, title, instanceBaseUrls, routes: [{gatewayUrl, serviceRelativeUrl}], authentication: {scheme}, customMetadata}]) and restart discovery.")
    public static let discoveryStaticServiceInvalid = MessageDefinition(
        "ZWEL1723E", "discovery: service {index} of static definition file {path} is not registered: {reason}",
        cause: "A service of a static definition misses its serviceId or instanceBaseUrls, or a base URL is not an http or https URL with a host.",
        fix: "Correct the service in the file (e.g. instanceBaseUrls: [https://host:port/]) and restart discovery.")

    // MARK: settings (ZWEL1730-1739)
    public static let discoveryLeaseSettings = MessageDefinition(
        "ZWEL1730I", "discovery: leases last {duration} s unless an instance says otherwise; expired ones are evicted every {interval} s",
        cause: "The registry's lease settings, from ZWE_DISCOVERY_LEASE_DURATION_SECONDS and ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS (defaults 90 and 60).",
        fix: "No action is needed.")

    /// The messages of the discovery service, in id order.
    public static let discoveryMessages: [MessageDefinition] = [
        discoveryRegistered, discoveryCancelled, discoveryEvicted, discoveryStatusOverridden, discoveryOverrideRemoved,
        discoveryClientCertificateMissing, discoveryClientCertificateUntrusted,
        discoveryStaticLoaded, discoveryStaticFolderUnreadable, discoveryStaticFileInvalid, discoveryStaticServiceInvalid,
        discoveryLeaseSettings,
    ]
}
