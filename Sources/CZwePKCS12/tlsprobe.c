/*
 * TLS clients on the system OpenSSL: see include/CZweTLSProbe.h.
 * Health checks: one short connection per check; the chain is verified, the host name is not
 * (the check goes to a loopback address that the certificate need not name).
 * Handshakes: the chain a server presents, for trusting z/OSMF and for preflight rule 9.
 */
#include "CZweTLSProbe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

static void set_error(char *err, size_t capacity, const char *what) {
    if (err == NULL || capacity == 0) return;
    unsigned long code = ERR_peek_last_error();
    if (code != 0) {
        char detail[200];
        ERR_error_string_n(code, detail, sizeof detail);
        snprintf(err, capacity, "%s: %s", what, detail);
    } else {
        snprintf(err, capacity, "%s", what);
    }
}

static long remaining_ms(const struct timespec *deadline) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (deadline->tv_sec - now.tv_sec) * 1000L + (deadline->tv_nsec - now.tv_nsec) / 1000000L;
}

/* Waits until the socket is ready for what OpenSSL asked, or the deadline passes. */
static int wait_for(int fd, int want_write, const struct timespec *deadline) {
    long left = remaining_ms(deadline);
    if (left <= 0) return 0;
    struct pollfd p = { .fd = fd, .events = want_write ? POLLOUT : POLLIN, .revents = 0 };
    int ready;
    do { ready = poll(&p, 1, (int)left); } while (ready < 0 && errno == EINTR);
    return ready > 0;
}

/* Adds DER certificates to the context's trust store; one that does not parse is skipped. */
static void add_anchors(SSL_CTX *context, const uint8_t *const *anchors, const size_t *anchor_lengths,
                        size_t anchor_count) {
    X509_STORE *store = SSL_CTX_get_cert_store(context);
    for (size_t i = 0; i < anchor_count; i++) {
        const unsigned char *cursor = anchors[i];
        X509 *anchor = d2i_X509(NULL, &cursor, (long)anchor_lengths[i]);
        if (anchor != NULL) {
            X509_STORE_add_cert(store, anchor);
            X509_free(anchor);
        }
    }
}

int zwe_tls_probe(const char *address, int port, const char *path,
                  const uint8_t *const *anchors, const size_t *anchor_lengths, size_t anchor_count,
                  int timeout_ms, char *err, size_t err_capacity) {
    ERR_clear_error();
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }

    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    socklen_t length;
    int family;
    if (strchr(address, ':') != NULL) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, address, &v6->sin6_addr) != 1) { set_error(err, err_capacity, "bad address"); return -1; }
        length = sizeof *v6;
        family = AF_INET6;
    } else {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, address, &v4->sin_addr) != 1) { set_error(err, err_capacity, "bad address"); return -1; }
        length = sizeof *v4;
        family = AF_INET;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) { set_error(err, err_capacity, strerror(errno)); return -1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int result = -1;
    SSL_CTX *context = NULL;
    SSL *ssl = NULL;

    if (connect(fd, (struct sockaddr *)&storage, length) != 0) {
        if (errno != EINPROGRESS) { set_error(err, err_capacity, strerror(errno)); goto done; }
        if (!wait_for(fd, 1, &deadline)) { set_error(err, err_capacity, "connect timed out"); goto done; }
        int failure = 0;
        socklen_t size = sizeof failure;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &size);
        if (failure != 0) { set_error(err, err_capacity, strerror(failure)); goto done; }
    }

    context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) { set_error(err, err_capacity, "SSL_CTX_new"); goto done; }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    add_anchors(context, anchors, anchor_lengths, anchor_count);
    ERR_clear_error();
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    ssl = SSL_new(context);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) { set_error(err, err_capacity, "SSL_new"); goto done; }
    for (;;) {
        int rc = SSL_connect(ssl);
        if (rc == 1) break;
        int reason = SSL_get_error(ssl, rc);
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
            if (!wait_for(fd, reason == SSL_ERROR_WANT_WRITE, &deadline)) { set_error(err, err_capacity, "TLS handshake timed out"); goto done; }
            continue;
        }
        long verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) {
            char text[256];
            snprintf(text, sizeof text, "certificate not trusted: %s", X509_verify_cert_error_string(verify));
            set_error(err, err_capacity, text);
        } else {
            set_error(err, err_capacity, "TLS handshake failed");
        }
        goto done;
    }

    char request[1024];
    int request_length = snprintf(request, sizeof request,
                                  "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: zwe-launcher\r\nConnection: close\r\n\r\n",
                                  path, address, port);
    int written = 0;
    while (written < request_length) {
        int rc = SSL_write(ssl, request + written, request_length - written);
        if (rc > 0) { written += rc; continue; }
        int reason = SSL_get_error(ssl, rc);
        if ((reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) && wait_for(fd, reason == SSL_ERROR_WANT_WRITE, &deadline)) continue;
        set_error(err, err_capacity, "sending the request failed");
        goto done;
    }
    char response[64];
    int got = 0;
    while (got < 12) {
        int rc = SSL_read(ssl, response + got, (int)sizeof response - 1 - got);
        if (rc > 0) { got += rc; continue; }
        int reason = SSL_get_error(ssl, rc);
        if ((reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) && wait_for(fd, reason == SSL_ERROR_WANT_WRITE, &deadline)) continue;
        set_error(err, err_capacity, "no HTTP response");
        goto done;
    }
    response[got] = 0;
    int status = 0;
    if (sscanf(response, "HTTP/%*s %d", &status) == 1 && status >= 100 && status <= 599) {
        result = status;
    } else {
        set_error(err, err_capacity, "not an HTTP response");
    }

done:
    if (ssl != NULL) {
        SSL_set_quiet_shutdown(ssl, 1);
        SSL_free(ssl);
    }
    if (context != NULL) SSL_CTX_free(context);
    close(fd);
    ERR_clear_error();
    return result;
}

/* ---- zwe_tls_handshake ---- */

static void deadline_after(struct timespec *deadline, int timeout_ms) {
    clock_gettime(CLOCK_MONOTONIC, deadline);
    deadline->tv_sec += timeout_ms / 1000;
    deadline->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline->tv_nsec >= 1000000000L) { deadline->tv_sec++; deadline->tv_nsec -= 1000000000L; }
}

static void numeric_host(const struct sockaddr *address, socklen_t length, char *text, size_t capacity) {
    if (getnameinfo(address, length, text, (socklen_t)capacity, NULL, 0, NI_NUMERICHOST) != 0) snprintf(text, capacity, "?");
}

/*
 * Tries each address of host:port in turn until one accepts, so that a name with an IPv6 and
 * an IPv4 address works whichever one the server listens on. Returns the connected socket,
 * or -1 with *status (ZWE_TLS_UNRESOLVED, _UNREACHABLE or _TIMED_OUT) and the reason in err.
 */
static int connect_any(const char *host, int port, const struct timespec *deadline, int *status, char *err, size_t err_capacity) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* No AI_ADDRCONFIG: it ignores loopback, and would drop "localhost" on a host with only loopback. */
    hints.ai_flags = AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *addresses = NULL;
    int lookup = getaddrinfo(host, service, &hints, &addresses);
    if (lookup != 0) {
        *status = ZWE_TLS_UNRESOLVED;
        snprintf(err, err_capacity, "the name %s cannot be resolved: %s", host,
                 lookup == EAI_SYSTEM ? strerror(errno) : gai_strerror(lookup));
        return -1;
    }
    *status = ZWE_TLS_UNREACHABLE;
    snprintf(err, err_capacity, "the name %s has no address", host);
    int fd = -1;
    for (struct addrinfo *a = addresses; a != NULL; a = a->ai_next) {
        char where[INET6_ADDRSTRLEN + 1];
        numeric_host(a->ai_addr, a->ai_addrlen, where, sizeof where);
        fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            snprintf(err, err_capacity, "%s (%s)", strerror(errno), where);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        int failure = 0;
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                failure = errno;
            } else if (!wait_for(fd, 1, deadline)) {
                /* The time is shared by every address: once it is over, stop. */
                *status = ZWE_TLS_TIMED_OUT;
                snprintf(err, err_capacity, "no connection within the time limit (%s)", where);
                close(fd);
                fd = -1;
                break;
            } else {
                socklen_t size = sizeof failure;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &size);
            }
        }
        if (failure == 0) break;
        snprintf(err, err_capacity, "%s (%s)", strerror(failure), where);
        close(fd);
        fd = -1;
    }
    freeaddrinfo(addresses);
    if (fd >= 0) *status = ZWE_TLS_OK;
    return fd;
}

static int is_address_literal(const char *host) {
    unsigned char buffer[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buffer) == 1 || inet_pton(AF_INET6, host, buffer) == 1;
}

/* The peer's chain into *out as DER; 0 on success. */
static int copy_chain(SSL *ssl, zwe_tls_peer *out) {
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl); /* on a client it starts with the leaf */
    int count = chain == NULL ? 0 : sk_X509_num(chain);
    if (count <= 0) return -1;
    out->certificates = calloc((size_t)count, sizeof *out->certificates);
    out->lengths = calloc((size_t)count, sizeof *out->lengths);
    if (out->certificates == NULL || out->lengths == NULL) return -1;
    for (int i = 0; i < count; i++) {
        unsigned char *der = NULL;
        int length = i2d_X509(sk_X509_value(chain, i), &der);
        if (length <= 0) return -1;
        out->certificates[i] = der; /* allocated by OpenSSL: freed with OPENSSL_free */
        out->lengths[i] = (size_t)length;
        out->count = (size_t)i + 1;
    }
    return 0;
}

int zwe_tls_handshake(const char *host, int port,
                      const uint8_t *const *anchors, const size_t *anchor_lengths, size_t anchor_count,
                      int verify, int timeout_ms, zwe_tls_peer *out, char *err, size_t err_capacity) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    if (err != NULL && err_capacity > 0) err[0] = 0;
    char scratch[8];
    if (err == NULL || err_capacity == 0) { err = scratch; err_capacity = sizeof scratch; }
    struct timespec deadline;
    deadline_after(&deadline, timeout_ms);

    /* A peer that resets the connection while OpenSSL writes would raise SIGPIPE and end the
       whole program: block it on this thread for the call, and drop one that came. */
    sigset_t pipe_only, previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);

    int status;
    int fd = connect_any(host, port, &deadline, &status, err, err_capacity);
    SSL_CTX *context = NULL;
    SSL *ssl = NULL;
    if (fd < 0) goto done;

    status = ZWE_TLS_NOT_TLS;
    context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) { set_error(err, err_capacity, "SSL_CTX_new"); goto done; }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    /* Never fail the handshake on the certificate: the caller wants the chain either way. */
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, NULL);
    if (verify) {
        add_anchors(context, anchors, anchor_lengths, anchor_count);
        /* Java takes every truststore entry as an anchor, an intermediate or a leaf included. */
        X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(context), X509_V_FLAG_PARTIAL_CHAIN);
    }
    ERR_clear_error();
    ssl = SSL_new(context);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) { set_error(err, err_capacity, "SSL_new"); goto done; }
    /* SNI names the host, as Java clients send it; an address is never sent (RFC 6066). */
    if (!is_address_literal(host)) SSL_set_tlsext_host_name(ssl, host);
    for (;;) {
        int rc = SSL_connect(ssl);
        if (rc == 1) break;
        int reason = SSL_get_error(ssl, rc);
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
            if (!wait_for(fd, reason == SSL_ERROR_WANT_WRITE, &deadline)) {
                status = ZWE_TLS_TIMED_OUT;
                snprintf(err, err_capacity, "no TLS handshake within the time limit");
                goto done;
            }
            continue;
        }
        if (reason == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0) {
            snprintf(err, err_capacity, "the server closed the connection during the TLS handshake%s%s",
                     errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
        } else {
            set_error(err, err_capacity, "the TLS handshake failed");
        }
        goto done;
    }
    if (copy_chain(ssl, out) != 0) {
        zwe_tls_peer_free(out);
        snprintf(err, err_capacity, "the server presented no certificate");
        goto done;
    }
    if (verify) {
        long result = SSL_get_verify_result(ssl);
        out->verified = result == X509_V_OK;
        if (!out->verified) {
            const char *text = X509_verify_cert_error_string(result);
            out->verify_error = strdup(text != NULL ? text : "verification failed");
        }
    }
    status = ZWE_TLS_OK;

done:
    if (ssl != NULL) {
        SSL_set_quiet_shutdown(ssl, 1);
        SSL_free(ssl);
    }
    if (context != NULL) SSL_CTX_free(context);
    if (fd >= 0) close(fd);
    ERR_clear_error();
    sigset_t pending;
    if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0) {
        struct timespec zero = { 0, 0 };
        sigtimedwait(&pipe_only, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return status;
}

void zwe_tls_peer_free(zwe_tls_peer *peer) {
    if (peer == NULL) return;
    for (size_t i = 0; i < peer->count; i++) OPENSSL_free(peer->certificates[i]);
    free(peer->certificates);
    free(peer->lengths);
    free(peer->verify_error);
    memset(peer, 0, sizeof *peer);
}
