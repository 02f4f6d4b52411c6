/*
 * Health checks over HTTPS with the system OpenSSL: see include/CZweTLSProbe.h.
 * One short connection per check; the chain is verified, the host name is not (the check
 * goes to a loopback address that the certificate need not name).
 */
#include "CZweTLSProbe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
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
    X509_STORE *store = SSL_CTX_get_cert_store(context);
    for (size_t i = 0; i < anchor_count; i++) {
        const unsigned char *cursor = anchors[i];
        X509 *anchor = d2i_X509(NULL, &cursor, (long)anchor_lengths[i]);
        if (anchor != NULL) {
            X509_STORE_add_cert(store, anchor);
            X509_free(anchor);
        }
    }
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
