/* TLS clients on the system OpenSSL, part of this target because it is the only one that
   may use it: a blocking HTTPS GET for the launcher's health checks (connect to a loopback
   address, verify the server's chain against the given trust anchors (DER certificates),
   send `GET path`, return the HTTP status code), and a bare handshake that returns the
   server's chain (trusting z/OSMF at setup, preflight rule 9). */
#ifndef CZWE_TLS_PROBE_H
#define CZWE_TLS_PROBE_H
#include <stddef.h>
#include <stdint.h>

/* Returns the HTTP status (100-599), or -1 with a reason in `err`. */
int zwe_tls_probe(const char *address, int port, const char *path,
                  const uint8_t *const *anchors, const size_t *anchor_lengths, size_t anchor_count,
                  int timeout_ms, char *err, size_t err_capacity);

/* Outcomes of zwe_tls_handshake. They are told apart because callers treat "nothing answers"
   (a service that may start later) differently from "something answers, but not with TLS". */
#define ZWE_TLS_OK 0
#define ZWE_TLS_UNRESOLVED 1  /* the host name has no address */
#define ZWE_TLS_UNREACHABLE 2 /* every address refused the connection or could not be reached */
#define ZWE_TLS_TIMED_OUT 3   /* no connection, or no finished handshake, within the time */
#define ZWE_TLS_NOT_TLS 4     /* connected, but the peer did not complete a TLS handshake */

/* What the server presented. Free with zwe_tls_peer_free. */
typedef struct {
    uint8_t **certificates; /* DER, in the order the server sent them, leaf first */
    size_t *lengths;
    size_t count;
    int verified;           /* when verification was asked for: 1 if the chain leads to an anchor */
    char *verify_error;     /* when it does not: OpenSSL's reason, NUL-terminated; else NULL */
} zwe_tls_peer;

/*
 * Connects to host:port (a name is resolved with getaddrinfo, each address tried in turn),
 * makes a TLS handshake (TLS 1.2 or later; SNI when host is a name) and returns the chain the
 * server presented. The handshake never fails on the certificate: with verify != 0 the chain
 * is checked against the DER anchors (any anchor ends a chain, as in a Java truststore; no
 * system CAs) and the outcome is reported in out->verified, so that an untrusted server can
 * still be described. The host name is not checked here; callers match it themselves.
 * timeout_ms bounds the connection and the handshake together (not the name lookup).
 * Returns ZWE_TLS_OK and fills *out, or another ZWE_TLS_ code with the reason in err.
 */
int zwe_tls_handshake(const char *host, int port,
                      const uint8_t *const *anchors, const size_t *anchor_lengths, size_t anchor_count,
                      int verify, int timeout_ms, zwe_tls_peer *out, char *err, size_t err_capacity);

/* Frees what zwe_tls_handshake put into *peer and empties it. NULL is allowed. */
void zwe_tls_peer_free(zwe_tls_peer *peer);
#endif
