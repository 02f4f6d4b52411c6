// Messages of the Prometheus metrics endpoints (ZWEL2100-2119).

extension MessageCatalog {
    public static let metricsListening = MessageDefinition(
        "ZWEL2100I", "Prometheus metrics of the launcher on http://{address}:{port}/metrics",
        cause: "ZWE_METRICS_PORT is set in instance.env, so the launcher serves its metrics there.",
        fix: "No action needed; point a Prometheus scrape job at this address.")
    public static let metricsCannotListen = MessageDefinition(
        "ZWEL2101W", "The launcher serves no metrics: {address} port {port} cannot be opened: {reason}",
        cause: "The launcher could not listen on ZWE_METRICS_PORT; the instance runs on without the metrics endpoint of the launcher (the components still serve /application/prometheus).",
        fix: "Free the port, or set ZWE_METRICS_PORT (and ZWE_METRICS_ADDRESS) in instance.env to a free port and address, then restart the instance.")

    static let metricsMessages: [MessageDefinition] = [metricsListening, metricsCannotListen]
}
