/* A blocking HTTPS GET used by the launcher's health checks: connect to a loopback address,
   verify the server's chain against the given trust anchors (DER certificates), send
   `GET path`, and return the HTTP status code. Part of this target because it is the only
   one that may use the system OpenSSL. */
#ifndef CZWE_TLS_PROBE_H
#define CZWE_TLS_PROBE_H
#include <stddef.h>
#include <stdint.h>

/* Returns the HTTP status (100-599), or -1 with a reason in `err`. */
int zwe_tls_probe(const char *address, int port, const char *path,
                  const uint8_t *const *anchors, const size_t *anchor_lengths, size_t anchor_count,
                  int timeout_ms, char *err, size_t err_capacity);
#endif
