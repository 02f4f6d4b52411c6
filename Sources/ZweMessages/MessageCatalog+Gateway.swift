// Messages of the gateway. The answers to clients carry API Mediation Layer's own ids and
// texts (ZWEAM*, ZWEAG*), which users search for; what the gateway logs about itself uses the
// product's range ZWEL1800-1849.

extension MessageCatalog {
    // MARK: Answers to clients (API ML ids and texts)
    public static let gatewayNoRoute = MessageDefinition(
        "ZWEAM104E", "The endpoint you are looking for '{path}' could not be located",
        cause: "No service registered with discovery has a route for this path, or every instance of the service has left the registry.",
        fix: "Check the URL: /{serviceId}/{route}/... or /{route}/{serviceId}/..., with a route the service registers (see /gateway/api/v1/services). Start or register the service if it is missing.")
    public static let gatewayNoInstanceUp = MessageDefinition(
        "ZWEAG710E", "Load balancer does not have available server for client: {serviceId}",
        cause: "The service has registered instances, but none of them is UP (for example all are OUT_OF_SERVICE or STARTING).",
        fix: "Bring an instance of {serviceId} UP, or wait until it says it is UP to discovery.")
    public static let gatewayAllInstancesFailed = MessageDefinition(
        "ZWEAG708E", "The request to the URL '{url}' failed after retrying on all known service instances. Caused by: {reason}",
        cause: "Every UP instance of the service refused the connection or could not be reached, although discovery still lists them.",
        fix: "Check that the service's processes run and listen on the host and port they registered; a crashed instance leaves the registry when its lease expires.")
    public static let gatewayTLSFailure = MessageDefinition(
        "ZWEAM511E", "There was a TLS request error accessing the URL '{url}': '{reason}'",
        cause: "The TLS handshake with the service failed: its certificate is not trusted by the gateway's truststore, is not valid for the host name it registered (verify mode STRICT), or it refused the gateway's client certificate.",
        fix: "Import the service's CA into the truststore (zwe init certificate, ZOWE_EXTERNAL_CERTIFICATE_AUTHORITIES), or issue its certificate for the host name it registers with; VERIFY_CERTIFICATES=false with NONSTRICT_VERIFY_CERTIFICATES=true skips the host name check only.")
    public static let gatewayTimeout = MessageDefinition(
        "ZWEAM700E", "No response received within the allowed time: {url}",
        cause: "The service did not answer within APIML_GATEWAY_TIMEOUT_MILLIS ({milliseconds} ms).",
        fix: "Check why the service is slow, or raise APIML_GATEWAY_TIMEOUT_MILLIS in instance.env.")
    public static let gatewayEncodedCharacters = MessageDefinition(
        "ZWEAG701E", "Service '{serviceId}' does not allow encoded characters in the request path: '{path}'.",
        cause: "The path holds an encoded slash (%2F) or another encoded character that could change the route, and the service did not register apiml.enableUrlEncodedCharacters=true.",
        fix: "Send the path without encoded slashes, or register the service with the metadata apiml.enableUrlEncodedCharacters=true.")
    public static let gatewayBadRequest = MessageDefinition(
        "ZWEAG100E", "The request to '{path}' cannot be read: {reason}",
        cause: "The gateway could not read the request: {reason}.",
        fix: "Send a well-formed HTTP/1.1 request.")
    public static let gatewayRequestTooLarge = MessageDefinition(
        "ZWEAG101E", "The request body to '{path}' is larger than {bytes} bytes",
        cause: "The gateway passes request bodies on to the service as they come, up to a limit: a larger Content-Length is refused before anything is read or sent on (and before '100 Continue'); a chunked body that grows past the limit is refused while no answer has begun, and ends the connection after.",
        fix: "Send a smaller body, or raise ZWE_GATEWAY_MAX_BODY_BYTES in instance.env.")
    public static let gatewayTokenNotValid = MessageDefinition(
        "ZWEAG102E", "Token is not valid",
        cause: "The apimlAuthenticationToken was not issued by this gateway's jwtsecret key, was changed, or was ended by a logout.",
        fix: "Log in again: POST /gateway/api/v1/auth/login.")
    public static let gatewayTokenExpired = MessageDefinition(
        "ZWEAG103E", "The token has expired",
        cause: "The apimlAuthenticationToken is older than its expiration time.",
        fix: "Log in again: POST /gateway/api/v1/auth/login.")
    public static let gatewayAuthenticationRequired = MessageDefinition(
        "ZWEAG105E", "Authentication is required for URL '{path}'",
        cause: "The request carries no apimlAuthenticationToken, neither as cookie nor as 'Authorization: Bearer'.",
        fix: "Log in first (POST /gateway/api/v1/auth/login) and send the cookie or the token with the request.")
    public static let gatewayInvalidCredentials = MessageDefinition(
        "ZWEAG120E", "Invalid username or password for URL '{path}'",
        cause: "The authentication provider ({provider}) did not accept the user name and password.",
        fix: "Check the user name and password.")
    public static let gatewayCredentialsMissing = MessageDefinition(
        "ZWEAG121E", "Authorization header is missing, or the request body is not valid for URL '{path}'",
        cause: "A login needs a JSON body {\"username\": ..., \"password\": ...} or an 'Authorization: Basic' header.",
        fix: "Send the user name and password in one of those forms.")
    public static let gatewayAuthenticationUnavailable = MessageDefinition(
        "ZWEAG104E", "The authentication service is not available for URL '{path}': {reason}",
        cause: "The authentication provider ({provider}) could not be asked whether the credentials are valid.",
        fix: "For the zosmf provider check that z/OSMF runs at ZOSMF_HOST:ZOSMF_PORT and that its certificate is in the truststore; for the file provider check ZWE_USERS_FILE.")
    public static let gatewayMethodNotAllowed = MessageDefinition(
        "ZWEAG106E", "Request method '{method}' is not supported for URL '{path}'",
        cause: "This endpoint of the gateway answers other methods.",
        fix: "Use {allowed}.")
    public static let gatewayLogoutFailed = MessageDefinition(
        "ZWEAG130E", "The token for URL '{path}' could not be ended: {reason}",
        cause: "A logout writes the token's id into the instance's list of revoked tokens (WORKSPACE_DIR/api-mediation/revoked-tokens.json); the write failed, so the token is still valid.",
        fix: "Make WORKSPACE_DIR/api-mediation writable by the user the components run as and free space on its file system, then log out again.")

    // MARK: The gateway's own log (ZWEL1800-1849)
    public static let gatewayRegistryUnreachable = MessageDefinition(
        "ZWEL1800W", "gateway: cannot read the registry from discovery: {reason}; routes stay as they were",
        cause: "No discovery service of ZWE_DISCOVERY_SERVICES_LIST answered; the gateway keeps routing with what it last learned and asks again.",
        fix: "Check that discovery runs (zwe status) and trusts the gateway's certificate.")
    public static let gatewayRegistryRead = MessageDefinition(
        "ZWEL1801I", "gateway: routing {services} services with {instances} instances from discovery {url}",
        cause: "The gateway read the registry for the first time, or again after discovery was unreachable.",
        fix: "No action is needed.")
    public static let gatewayUsersFileUnreadable = MessageDefinition(
        "ZWEL1802W", "gateway: the users file {path} cannot be used: {reason}; logins are refused until it can",
        cause: "APIML_SECURITY_AUTH_PROVIDER=file checks logins against ZWE_USERS_FILE: one 'user:password' or 'user:{SHA256}hex' per line.",
        fix: "Create the file with owner-only permissions (chmod 600), or set APIML_SECURITY_AUTH_PROVIDER=zosmf.")
    public static let gatewayJWTKeyMissing = MessageDefinition(
        "ZWEL1803E", "gateway: the keystore {path} has no usable 'jwtsecret' key entry: {reason}",
        cause: "The gateway signs apimlAuthenticationToken with the private key of the keystore's jwtsecret entry, which 'zwe init certificate' writes.",
        fix: "Run 'zwe init certificate' again for this keystore directory.")
    public static let gatewayAuthProviderInvalid = MessageDefinition(
        "ZWEL1804E", "gateway: APIML_SECURITY_AUTH_PROVIDER is '{value}'; it must be zosmf or file",
        cause: "The gateway checks logins against z/OSMF (zosmf, the default when ZOSMF_HOST is set) or against ZWE_USERS_FILE (file).",
        fix: "Set APIML_SECURITY_AUTH_PROVIDER=zosmf with ZOSMF_HOST and ZOSMF_PORT, or APIML_SECURITY_AUTH_PROVIDER=file with ZWE_USERS_FILE.")
    public static let gatewayZOSMFLogoutFailed = MessageDefinition(
        "ZWEL1805W", "gateway: the token of {user} is ended, but its z/OSMF session could not be: {reason}",
        cause: "A logout also ends the z/OSMF session the token was issued with (DELETE /zosmf/services/authenticate); z/OSMF did not confirm it.",
        fix: "Nothing for the Zowe token, which no component accepts any more; the z/OSMF session ends at its own expiry. Check that z/OSMF runs at ZOSMF_HOST:ZOSMF_PORT.")

    /// The messages of this file, in id order.
    public static let gatewayMessages: [MessageDefinition] = [
        gatewayNoRoute, gatewayNoInstanceUp, gatewayAllInstancesFailed, gatewayTLSFailure, gatewayTimeout,
        gatewayEncodedCharacters, gatewayBadRequest, gatewayRequestTooLarge, gatewayTokenNotValid, gatewayTokenExpired,
        gatewayAuthenticationUnavailable, gatewayAuthenticationRequired, gatewayMethodNotAllowed,
        gatewayInvalidCredentials, gatewayCredentialsMissing, gatewayLogoutFailed,
        gatewayRegistryUnreachable, gatewayRegistryRead, gatewayUsersFileUnreadable, gatewayJWTKeyMissing,
        gatewayAuthProviderInvalid, gatewayZOSMFLogoutFailed,
    ]
}
