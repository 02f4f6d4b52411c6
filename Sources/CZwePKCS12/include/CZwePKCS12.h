/*
 * CZwePKCS12: a small C API for writing and reading PKCS#12 files on the
 * system OpenSSL 3 (libcrypto).
 *
 * This header deliberately includes no OpenSSL header and names no OpenSSL
 * type: it exposes only plain structs of bytes, lengths and UTF-8 strings.
 * swift-crypto and swift-nio-ssl carry BoringSSL into the same process, and a
 * Swift file that saw both libraries' declarations could bind OpenSSL calls to
 * BoringSSL symbols. Only pkcs12.c includes <openssl/...>.
 *
 * Every function clears OpenSSL's (thread-local) error queue on entry and on
 * exit, keeps no global state, and may be called from several threads at once.
 * On failure the reason, followed by OpenSSL's error queue text, is written
 * NUL-terminated into the caller's `err` buffer (if `err` is not NULL).
 * Passwords are NUL-terminated UTF-8 strings.
 */
#ifndef CZWEPKCS12_H
#define CZWEPKCS12_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Results of zwe_p12_write and zwe_p12_read. */
#define ZWE_P12_OK 0
#define ZWE_P12_WRONG_PASSWORD 1 /* MAC verification or decryption failed with this password */
#define ZWE_P12_MALFORMED 2      /* not a PKCS#12 file, or a part of it cannot be parsed */
#define ZWE_P12_UNSUPPORTED 3    /* an algorithm or structure this OpenSSL cannot handle */
#define ZWE_P12_FAILED 4         /* writing failed */

/* A borrowed byte buffer. */
typedef struct {
    const uint8_t *bytes;
    size_t length;
} zwe_p12_buffer;

/*
 * One entry to write.
 *  - A key entry: pkcs8_der is an unencrypted PKCS#8 PrivateKeyInfo and
 *    certificates holds its chain, leaf first (at least the leaf).
 *  - A trusted-certificate entry: pkcs8_der is NULL and certificates holds
 *    exactly one certificate.
 * All certificates are DER. alias is UTF-8 and becomes the friendlyName.
 */
typedef struct {
    const char *alias;
    const uint8_t *pkcs8_der;
    size_t pkcs8_der_length;
    const zwe_p12_buffer *certificates;
    size_t certificate_count;
} zwe_p12_write_entry;

/*
 * Serialises `entries` into a PKCS#12 file protected by `password`:
 * keys as PKCS#8 shrouded key bags (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC,
 * 2048 iterations) in a plain data safe; certificates in one PBES2/AES-256
 * encrypted safe; a SHA-256 MAC (2048 iterations). Trusted-certificate bags
 * carry Oracle's trusted-key-usage attribute so that Java's keytool lists them.
 * On success returns ZWE_P12_OK and sets *out (free it with zwe_p12_free_bytes)
 * and *out_length.
 */
int zwe_p12_write(const zwe_p12_write_entry *entries, size_t entry_count,
                  const char *password,
                  uint8_t **out, size_t *out_length,
                  char *err, size_t err_capacity);

/* Frees a buffer returned by zwe_p12_write. NULL is allowed. */
void zwe_p12_free_bytes(uint8_t *bytes);

/* A certificate bag as stored. All pointers are owned by the zwe_p12_contents. */
typedef struct {
    uint8_t *der;                   /* the certificate */
    size_t der_length;
    uint8_t *subject_der;           /* its subject Name, DER */
    size_t subject_der_length;
    uint8_t *issuer_der;            /* its issuer Name, DER */
    size_t issuer_der_length;
    char *friendly_name;            /* UTF-8, or NULL when the bag has none */
    uint8_t *local_key_id;          /* valid when has_local_key_id */
    size_t local_key_id_length;
    int has_local_key_id;
    int trusted;                    /* Oracle's trusted-key-usage attribute is present */
    int self_issued;                /* the certificate issued itself (a root) */
    long issuer_index;              /* index in certificates of a certificate that issued
                                       this one (name and key identifier match), or -1 */
    size_t bag_index;               /* position among all bags of the file, in file order */
} zwe_p12_certificate;

/* A key bag or shrouded key bag, decrypted. All pointers are owned by the zwe_p12_contents. */
typedef struct {
    uint8_t *pkcs8_der;             /* unencrypted PKCS#8 PrivateKeyInfo */
    size_t pkcs8_der_length;
    char *friendly_name;            /* UTF-8, or NULL */
    uint8_t *local_key_id;          /* valid when has_local_key_id */
    size_t local_key_id_length;
    int has_local_key_id;
    int shrouded;                   /* it was a pkcs8ShroudedKeyBag */
    long certificate_index;         /* index in certificates of its leaf certificate, or -1:
                                       matched by localKeyID, then friendlyName, then public key */
    size_t bag_index;               /* position among all bags of the file, in file order */
} zwe_p12_key;

/* Everything read from one file. Free with zwe_p12_contents_free. */
typedef struct {
    zwe_p12_certificate *certificates;
    size_t certificate_count;
    zwe_p12_key *keys;
    size_t key_count;
    size_t skipped_bag_count;       /* CRL, secret and other bags that were not read */
    int has_mac;                    /* the file carried a MAC, and it verified */
} zwe_p12_contents;

/*
 * Reads every key and certificate bag of a DER PKCS#12 file.
 * Verifies the MAC first when there is one (for an empty password both the
 * empty string and the absent password are tried, as OpenSSL does).
 * On success returns ZWE_P12_OK and fills *out, which the caller must free with
 * zwe_p12_contents_free; on failure *out is left empty.
 */
int zwe_p12_read(const uint8_t *data, size_t length, const char *password,
                 zwe_p12_contents *out,
                 char *err, size_t err_capacity);

/* Frees what zwe_p12_read put into *contents and empties it. NULL is allowed. */
void zwe_p12_contents_free(zwe_p12_contents *contents);

#ifdef __cplusplus
}
#endif

/* The health-check probe shares this target: it is the only one that may use OpenSSL. */
#include "CZweTLSProbe.h"

#endif /* CZWEPKCS12_H */
