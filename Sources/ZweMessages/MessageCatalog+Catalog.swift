// Messages of the discovery client side and the API catalog (ZWEL1750-1799): what a
// component says while it registers with, renews at and leaves the discovery services
// (ZWEL1750-1769), and what the api-catalog component answers when it cannot list the
// services (ZWEL1770-1789). The registry itself has its own range.

extension MessageCatalog {
    // MARK: Eureka registration (ZWEL1750-1769)
    public static let eurekaRegistered = MessageDefinition(
        "ZWEL1750I", "{component}: registered as {serviceId} (instance {instanceId}) with discovery {url}",
        cause: "The discovery service accepted the registration; the gateway and the catalog learn of the service from it.",
        fix: "No action is needed.")
    public static let eurekaRegisterFailed = MessageDefinition(
        "ZWEL1751W", "{component}: cannot register with discovery {url}: {reason}; trying again every {seconds} s at most",
        cause: "The discovery service did not accept the registration: it is not running yet, cannot be reached, or refused the request (for example the client certificate).",
        fix: "Nothing while discovery is still starting. Otherwise check that discovery runs at {url} (ZWE_DISCOVERY_SERVICES_LIST) and that its certificate and this component's are signed by a CA in the truststore.")
    public static let eurekaInstanceForgotten = MessageDefinition(
        "ZWEL1752W", "{component}: discovery {url} no longer knows instance {instanceId}; registering again",
        cause: "A renewal was answered 404: the registry was restarted or let the lease expire (renewals came too late).",
        fix: "No action is needed when it happens after a discovery restart; if it repeats, make ZWE_EUREKA_RENEW_SECONDS smaller than the registry's lease duration.")
    public static let eurekaRenewFailed = MessageDefinition(
        "ZWEL1753W", "{component}: cannot renew instance {instanceId} with discovery {url}: {reason}",
        cause: "The renewal of the registration did not reach the discovery service or was refused; renewals go on, and the instance is registered again if discovery lost it.",
        fix: "Check that discovery runs at {url}; if the lease expires before discovery is back, the service is unroutable until then.")
    public static let eurekaCancelled = MessageDefinition(
        "ZWEL1754I", "{component}: cancelled the registration of instance {instanceId} with discovery {url}",
        cause: "The component is stopping and told discovery that the instance is gone, so that no request is routed to it any more.",
        fix: "No action is needed.")
    public static let eurekaCancelFailed = MessageDefinition(
        "ZWEL1755W", "{component}: cannot cancel the registration of instance {instanceId} with discovery {url}: {reason}",
        cause: "While stopping, the component could not tell discovery that the instance is gone; discovery keeps it until its lease expires.",
        fix: "No action is needed: the registration ends with its lease (90 s by default). Check discovery if this happens on every stop.")
    public static let eurekaNoDiscovery = MessageDefinition(
        "ZWEL1756W", "{component}: ZWE_DISCOVERY_SERVICES_LIST is not set; {serviceId} does not register with any discovery service",
        cause: "The component was started without the list of discovery services, so the gateway and the catalog will not know it.",
        fix: "Start the component with 'zwe start', which sets ZWE_DISCOVERY_SERVICES_LIST from instance.env, or export it (comma list of https://host:port/eureka/).")
    public static let eurekaBadDiscoveryURL = MessageDefinition(
        "ZWEL1757E", "{component}: ZWE_DISCOVERY_SERVICES_LIST holds '{value}', which is not an https URL of a discovery service",
        cause: "Each entry of ZWE_DISCOVERY_SERVICES_LIST must be an https URL with a host, such as https://localhost:7553/eureka/.",
        fix: "Correct ZWE_DISCOVERY_SERVICES_LIST in instance.env; separate several URLs with commas.")

    // MARK: API catalog (ZWEL1770-1789)
    public static let catalogDiscoveryUnreachable = MessageDefinition(
        "ZWEL1770E", "The API catalog cannot read the services from discovery: {reason}",
        cause: "No discovery service of ZWE_DISCOVERY_SERVICES_LIST answered the request for the list of services.",
        fix: "Check that the discovery service runs (zwe status) and that its certificate is trusted by the catalog's truststore; the page retries by itself.")
    public static let catalogNoDiscovery = MessageDefinition(
        "ZWEL1771E", "The API catalog has no discovery service to read the services from",
        cause: "ZWE_DISCOVERY_SERVICES_LIST was empty when the catalog started.",
        fix: "Set ZWE_DISCOVERY_SERVICES_LIST in instance.env and restart the catalog.")
    public static let catalogServiceUnknown = MessageDefinition(
        "ZWEL1772E", "No service with id '{id}' is known to discovery",
        cause: "The catalog lists only services that are registered with discovery; none has this id.",
        fix: "Check the service id (ids are case-insensitive), and that the service is started and registered.")

    /// The messages of this file, in id order.
    public static let catalogMessages: [MessageDefinition] = [
        eurekaRegistered, eurekaRegisterFailed, eurekaInstanceForgotten, eurekaRenewFailed, eurekaCancelled,
        eurekaCancelFailed, eurekaNoDiscovery, eurekaBadDiscoveryURL,
        catalogDiscoveryUnreachable, catalogNoDiscovery, catalogServiceUnknown,
    ]
}
