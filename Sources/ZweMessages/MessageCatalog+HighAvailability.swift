// Messages of one instance run on several hosts: the HA instances of ha-instances.yaml and the
// replication between discovery services (ZWEL2150-2179).

extension MessageCatalog {
    public static let haFileInvalid = MessageDefinition(
        "ZWEL2150E", "ha-instances.yaml: {reason}",
        cause: "The per-host overrides of the instance (ha-instances.yaml beside instance.env) must follow the documented layout: haInstances, then one mapping per HA instance with hostname, ipAddress, bindAddress, components and env.",
        fix: "Correct the entry at the line named; the README section 'High availability across hosts' shows a complete file.")
    public static let haInstanceUnknown = MessageDefinition(
        "ZWEL2151E", "HA instance {id} is not defined in {path}; it defines {defined}",
        cause: "When an instance has ha-instances.yaml, every start names one of its HA instances (--ha-instance ID, default the short host name).",
        fix: "Start with --ha-instance and one of the ids defined, or add an entry for {id} to the file.")
    public static let haInstanceApplied = MessageDefinition(
        "ZWEL2152I", "HA instance {id} of {path}: host {host}, bind address {bind}, discovery services {discovery}",
        cause: "The overrides of this HA instance apply on top of instance.env.",
        fix: "No action needed.")
    public static let discoveryReplicating = MessageDefinition(
        "ZWEL2153I", "{component}: registrations are replicated to the discovery services {peers}",
        cause: "ZWE_DISCOVERY_SERVICES_LIST names other discovery services besides this one; each change a client makes here is sent on to them.",
        fix: "No action needed.")
    public static let discoveryPeerUnreachable = MessageDefinition(
        "ZWEL2154W", "{component}: the discovery service {url} does not take replicated changes: {reason}",
        cause: "The peer is down or cannot be reached; changes for it are dropped, and it learns the registrations again from the renewals once it answers.",
        fix: "Nothing while the peer's host is down. Otherwise check that the peer runs at {url} and that its certificate and this one are signed by a CA in the truststore.")
    public static let discoveryPeerBack = MessageDefinition(
        "ZWEL2155I", "{component}: the discovery service {url} takes replicated changes again",
        cause: "A peer that did not answer answers again; the registrations it missed reach it with their next renewals.",
        fix: "No action needed.")

    static let highAvailabilityMessages: [MessageDefinition] = [
        haFileInvalid, haInstanceUnknown, haInstanceApplied, discoveryReplicating, discoveryPeerUnreachable, discoveryPeerBack,
    ]
}
