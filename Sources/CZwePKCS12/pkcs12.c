/*
 * PKCS#12 writing and reading on the system OpenSSL 3 (libcrypto).
 * The only file of the package that includes OpenSSL's headers; see
 * include/CZwePKCS12.h for why and for the API.
 */
#include "CZwePKCS12.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Writing parameters. */
#define WRITE_ITERATIONS 2048
#define WRITE_CIPHER_NID NID_aes_256_cbc

/*
 * Oracle's "trusted key usage" bag attribute (Java's
 * PKCS12KeyStore TrustedKeyUsage). Java lists a certificate bag as a
 * trustedCertEntry only when it carries this attribute. OpenSSL 3.0 has no
 * NID for it (NID_oracle_jdk_trustedkeyusage arrived in 3.2), so it is named
 * by its OID.
 */
#define ORACLE_TRUSTED_KEY_USAGE_OID "2.16.840.1.113894.746875.1.1"

/* Nested safeContents bags deeper than this are refused. */
#define MAX_BAG_DEPTH 8

/* ------------------------------------------------------------------ errors */

#define QUEUE_UNSUPPORTED 1

static int error_is_unsupported(unsigned long e)
{
    int lib = ERR_GET_LIB(e);
    int reason = ERR_GET_REASON(e);

    if (reason == ERR_R_UNSUPPORTED || reason == ERR_R_FETCH_FAILED)
        return 1;
    if (lib == ERR_LIB_EVP) {
        switch (reason) {
        case EVP_R_UNKNOWN_CIPHER:
        case EVP_R_UNKNOWN_DIGEST:
        case EVP_R_UNKNOWN_PBE_ALGORITHM:
        case EVP_R_UNSUPPORTED_ALGORITHM:
        case EVP_R_UNSUPPORTED_CIPHER:
        case EVP_R_UNSUPPORTED_KEYLENGTH:
        case EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION:
        case EVP_R_UNSUPPORTED_PRF:
        case EVP_R_UNSUPPORTED_PRIVATE_KEY_ALGORITHM:
        case EVP_R_UNSUPPORTED_SALT_TYPE:
            return 1;
        default:
            return 0;
        }
    }
    if (lib == ERR_LIB_PKCS12) {
        return reason == PKCS12_R_UNKNOWN_DIGEST_ALGORITHM
            || reason == PKCS12_R_UNSUPPORTED_PKCS12_MODE;
    }
    return 0;
}

/*
 * Writes "message[: queue text; queue text...]" into err and empties the
 * thread's error queue. Returns QUEUE_* flags describing what the queue held.
 */
static int report(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report(char *err, size_t cap, const char *fmt, ...)
{
    int flags = 0;
    size_t used = 0;
    unsigned long e;
    int first = 1;

    if (err != NULL && cap > 0) {
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(err, cap, fmt, ap);
        va_end(ap);
        used = n < 0 ? 0 : ((size_t)n >= cap ? cap - 1 : (size_t)n);
    }
    while ((e = ERR_get_error()) != 0) {
        char line[256];
        int n;

        if (error_is_unsupported(e))
            flags |= QUEUE_UNSUPPORTED;
        if (err == NULL || cap == 0 || used + 1 >= cap)
            continue;
        ERR_error_string_n(e, line, sizeof(line));
        n = snprintf(err + used, cap - used, "%s%s", first ? ": " : "; ", line);
        used = n < 0 ? used : (used + (size_t)n >= cap ? cap - 1 : used + (size_t)n);
        first = 0;
    }
    return flags;
}

static void clear_err_buffer(char *err, size_t cap)
{
    if (err != NULL && cap > 0)
        err[0] = '\0';
}

/* ------------------------------------------------------------------ helpers */

/* malloc-backed copy; a zero-length copy is a 1-byte allocation so that it is never NULL. */
static uint8_t *copy_bytes(const void *src, size_t len)
{
    uint8_t *p = malloc(len == 0 ? 1 : len);

    if (p != NULL && len > 0)
        memcpy(p, src, len);
    return p;
}

static char *copy_string(const char *s)
{
    return s == NULL ? NULL : (char *)copy_bytes(s, strlen(s) + 1);
}

/* ------------------------------------------------------------------ writing */

static X509 *parse_certificate(const zwe_p12_buffer *b)
{
    const unsigned char *p = b->bytes;
    X509 *x;

    if (b->bytes == NULL || b->length == 0 || b->length > (size_t)INT32_MAX)
        return NULL;
    x = d2i_X509(NULL, &p, (long)b->length);
    if (x != NULL && p != b->bytes + b->length) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* Appends a certificate bag for cert to bags; the bag is owned by bags. */
static PKCS12_SAFEBAG *push_certificate_bag(STACK_OF(PKCS12_SAFEBAG) *bags, X509 *cert)
{
    PKCS12_SAFEBAG *bag = PKCS12_SAFEBAG_create_cert(cert);

    if (bag == NULL)
        return NULL;
    if (!sk_PKCS12_SAFEBAG_push(bags, bag)) {
        PKCS12_SAFEBAG_free(bag);
        return NULL;
    }
    return bag;
}

int zwe_p12_write(const zwe_p12_write_entry *entries, size_t entry_count,
                  const char *password,
                  uint8_t **out, size_t *out_length,
                  char *err, size_t err_capacity)
{
    int status = ZWE_P12_FAILED;
    STACK_OF(PKCS12_SAFEBAG) *cert_bags = NULL;
    STACK_OF(PKCS12_SAFEBAG) *key_bags = NULL;
    STACK_OF(PKCS7) *safes = NULL;
    PKCS12 *p12 = NULL;
    X509 *cert = NULL;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    EVP_PKEY *pkey = NULL;
    uint8_t *der = NULL;
    unsigned char (*key_ids)[EVP_MAX_MD_SIZE + 4] = NULL;
    unsigned int *key_id_lengths = NULL;
    size_t key_id_count = 0;
    size_t i, j;
    int len;

    ERR_clear_error();
    clear_err_buffer(err, err_capacity);
    if (out != NULL)
        *out = NULL;
    if (out_length != NULL)
        *out_length = 0;
    if (out == NULL || out_length == NULL || password == NULL
        || (entries == NULL && entry_count > 0)) {
        report(err, err_capacity, "invalid arguments");
        goto done;
    }

    cert_bags = sk_PKCS12_SAFEBAG_new_null();
    key_bags = sk_PKCS12_SAFEBAG_new_null();
    safes = sk_PKCS7_new_null();
    key_ids = calloc(entry_count == 0 ? 1 : entry_count, sizeof(*key_ids));
    key_id_lengths = calloc(entry_count == 0 ? 1 : entry_count, sizeof(*key_id_lengths));
    if (cert_bags == NULL || key_bags == NULL || safes == NULL
        || key_ids == NULL || key_id_lengths == NULL) {
        report(err, err_capacity, "out of memory");
        goto done;
    }

    for (i = 0; i < entry_count; i++) {
        const zwe_p12_write_entry *entry = &entries[i];
        const char *alias = entry->alias;
        PKCS12_SAFEBAG *bag;

        if (alias == NULL) {
            report(err, err_capacity, "entry %zu has no alias", i + 1);
            goto done;
        }
        if (entry->certificates == NULL || entry->certificate_count == 0) {
            report(err, err_capacity, "entry '%s' has no certificate", alias);
            goto done;
        }
        cert = parse_certificate(&entry->certificates[0]);
        if (cert == NULL) {
            report(err, err_capacity, "the certificate of entry '%s' is not a DER X.509 certificate", alias);
            goto done;
        }

        if (entry->pkcs8_der == NULL) {
            /* A trusted certificate. */
            if (entry->certificate_count != 1) {
                report(err, err_capacity,
                       "trusted-certificate entry '%s' must hold exactly one certificate", alias);
                goto done;
            }
            bag = push_certificate_bag(cert_bags, cert);
            if (bag == NULL
                || !PKCS12_add_friendlyname_utf8(bag, alias, -1)
                /*
                 * With len == -1 and a non-string type, the data pointer is an
                 * ASN1_OBJECT * which X509_ATTRIBUTE_set1_data duplicates: this
                 * is exactly how OpenSSL 3.2's PKCS12_create adds the attribute
                 * (jdk_trust) with NID_oracle_jdk_trustedkeyusage.
                 */
                || !PKCS12_add1_attr_by_txt(bag, ORACLE_TRUSTED_KEY_USAGE_OID, V_ASN1_OBJECT,
                                            (const unsigned char *)OBJ_nid2obj(NID_anyExtendedKeyUsage),
                                            -1)) {
                report(err, err_capacity, "cannot add the certificate of entry '%s'", alias);
                goto done;
            }
            X509_free(cert);
            cert = NULL;
            continue;
        }

        /* A private key with its chain. */
        {
            const unsigned char *p = entry->pkcs8_der;
            unsigned char digest[EVP_MAX_MD_SIZE];
            unsigned int digest_len = 0;
            unsigned int id_len;

            if (entry->pkcs8_der_length == 0 || entry->pkcs8_der_length > (size_t)INT32_MAX
                || (p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)entry->pkcs8_der_length)) == NULL
                || p != entry->pkcs8_der + entry->pkcs8_der_length) {
                report(err, err_capacity, "the private key of entry '%s' is not a PKCS#8 PrivateKeyInfo", alias);
                goto done;
            }
            if ((pkey = EVP_PKCS82PKEY(p8)) == NULL) {
                report(err, err_capacity, "the private key of entry '%s' cannot be loaded", alias);
                goto done;
            }
            if (X509_check_private_key(cert, pkey) != 1) {
                ERR_clear_error();
                report(err, err_capacity,
                       "the private key of entry '%s' does not match its certificate", alias);
                goto done;
            }
            EVP_PKEY_free(pkey);
            pkey = NULL;

            /* localKeyID: SHA-1 of the leaf (as OpenSSL does), made unique if two entries share a leaf. */
            if (!X509_digest(cert, EVP_sha1(), digest, &digest_len)) {
                report(err, err_capacity, "cannot digest the certificate of entry '%s'", alias);
                goto done;
            }
            memcpy(key_ids[key_id_count], digest, digest_len);
            id_len = digest_len;
            for (j = 0; j < key_id_count; j++) {
                if (key_id_lengths[j] == digest_len && memcmp(key_ids[j], digest, digest_len) == 0) {
                    uint32_t n = (uint32_t)key_id_count;

                    key_ids[key_id_count][id_len++] = (unsigned char)(n >> 24);
                    key_ids[key_id_count][id_len++] = (unsigned char)(n >> 16);
                    key_ids[key_id_count][id_len++] = (unsigned char)(n >> 8);
                    key_ids[key_id_count][id_len++] = (unsigned char)n;
                    break;
                }
            }
            key_id_lengths[key_id_count] = id_len;

            bag = push_certificate_bag(cert_bags, cert);
            if (bag == NULL
                || !PKCS12_add_friendlyname_utf8(bag, alias, -1)
                || !PKCS12_add_localkeyid(bag, key_ids[key_id_count], (int)id_len)) {
                report(err, err_capacity, "cannot add the certificate of entry '%s'", alias);
                goto done;
            }
            X509_free(cert);
            cert = NULL;

            for (j = 1; j < entry->certificate_count; j++) {
                cert = parse_certificate(&entry->certificates[j]);
                if (cert == NULL) {
                    report(err, err_capacity,
                           "certificate %zu of the chain of entry '%s' is not a DER X.509 certificate",
                           j + 1, alias);
                    goto done;
                }
                if (push_certificate_bag(cert_bags, cert) == NULL) {
                    report(err, err_capacity, "cannot add the chain of entry '%s'", alias);
                    goto done;
                }
                X509_free(cert);
                cert = NULL;
            }

            /*
             * The shrouded key bag, from the caller's PKCS#8 as given (what
             * PKCS12_add_key does after converting its EVP_PKEY to PKCS#8):
             * a cipher NID selects PBES2 with PBKDF2-HMAC-SHA256.
             */
            bag = PKCS12_SAFEBAG_create_pkcs8_encrypt(WRITE_CIPHER_NID, password, -1, NULL, 0,
                                                      WRITE_ITERATIONS, p8);
            if (bag == NULL) {
                report(err, err_capacity, "cannot encrypt the private key of entry '%s'", alias);
                goto done;
            }
            if (!sk_PKCS12_SAFEBAG_push(key_bags, bag)) {
                PKCS12_SAFEBAG_free(bag);
                report(err, err_capacity, "out of memory");
                goto done;
            }
            if (!PKCS12_add_friendlyname_utf8(bag, alias, -1)
                || !PKCS12_add_localkeyid(bag, key_ids[key_id_count], (int)id_len)) {
                report(err, err_capacity, "cannot add the private key of entry '%s'", alias);
                goto done;
            }
            key_id_count++;
            PKCS8_PRIV_KEY_INFO_free(p8);
            p8 = NULL;
        }
    }

    /* Certificates in an encrypted safe, then keys (already shrouded) in a plain one, as OpenSSL does. */
    if (sk_PKCS12_SAFEBAG_num(cert_bags) > 0
        && !PKCS12_add_safe(&safes, cert_bags, WRITE_CIPHER_NID, WRITE_ITERATIONS, password)) {
        report(err, err_capacity, "cannot build the certificate safe");
        goto done;
    }
    if (sk_PKCS12_SAFEBAG_num(key_bags) > 0
        && !PKCS12_add_safe(&safes, key_bags, -1, 0, NULL)) {
        report(err, err_capacity, "cannot build the key safe");
        goto done;
    }
    p12 = PKCS12_add_safes(safes, NID_pkcs7_data);
    if (p12 == NULL) {
        report(err, err_capacity, "cannot build the PKCS#12 structure");
        goto done;
    }
    if (!PKCS12_set_mac(p12, password, -1, NULL, 0, WRITE_ITERATIONS, EVP_sha256())) {
        report(err, err_capacity, "cannot compute the MAC");
        goto done;
    }
    len = i2d_PKCS12(p12, NULL);
    if (len <= 0 || (der = malloc((size_t)len)) == NULL) {
        report(err, err_capacity, "cannot encode the PKCS#12 structure");
        goto done;
    }
    {
        unsigned char *p = der;

        if (i2d_PKCS12(p12, &p) != len) {
            report(err, err_capacity, "cannot encode the PKCS#12 structure");
            goto done;
        }
    }
    *out = der;
    *out_length = (size_t)len;
    der = NULL;
    status = ZWE_P12_OK;

done:
    free(der);
    PKCS12_free(p12);
    sk_PKCS7_pop_free(safes, PKCS7_free);
    sk_PKCS12_SAFEBAG_pop_free(cert_bags, PKCS12_SAFEBAG_free);
    sk_PKCS12_SAFEBAG_pop_free(key_bags, PKCS12_SAFEBAG_free);
    X509_free(cert);
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(pkey);
    free(key_ids);
    free(key_id_lengths);
    ERR_clear_error();
    return status;
}

void zwe_p12_free_bytes(uint8_t *bytes)
{
    free(bytes);
}

/* ------------------------------------------------------------------ reading */

typedef struct {
    zwe_p12_contents *out;
    size_t certificate_capacity;
    size_t key_capacity;
    X509 **x509s;                   /* parallel to out->certificates */
    size_t x509_count;              /* owned entries of x509s (survives emptying out on failure) */
    size_t bag_counter;
    const char *pass;               /* NULL when the file's MAC verified with no password */
    int passlen;
    ASN1_OBJECT *trust_oid;
    char *err;
    size_t err_capacity;
} read_state;

/* Status for a failed decryption with this password. */
static int decryption_failure(read_state *st, const char *what)
{
    int flags = report(st->err, st->err_capacity, "cannot decrypt %s", what);

    return (flags & QUEUE_UNSUPPORTED) ? ZWE_P12_UNSUPPORTED : ZWE_P12_WRONG_PASSWORD;
}

/* Reads friendlyName and localKeyID of a bag into malloc'ed copies. Returns 0 when out of memory. */
static int read_common_attributes(PKCS12_SAFEBAG *bag, char **name,
                                  uint8_t **key_id, size_t *key_id_length, int *has_key_id)
{
    char *fn = PKCS12_get_friendlyname(bag);
    const ASN1_TYPE *kid = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);

    *name = NULL;
    *key_id = NULL;
    *key_id_length = 0;
    *has_key_id = 0;
    if (fn != NULL) {
        *name = copy_string(fn);
        OPENSSL_free(fn);
        if (*name == NULL)
            return 0;
    }
    ERR_clear_error(); /* PKCS12_get_friendlyname leaves nothing useful behind when absent */
    if (kid != NULL && kid->type == V_ASN1_OCTET_STRING && kid->value.octet_string != NULL) {
        const ASN1_OCTET_STRING *os = kid->value.octet_string;
        size_t n = (size_t)ASN1_STRING_length(os);

        *key_id = copy_bytes(ASN1_STRING_get0_data(os), n);
        if (*key_id == NULL) {
            free(*name);
            *name = NULL;
            return 0;
        }
        *key_id_length = n;
        *has_key_id = 1;
    }
    return 1;
}

static int has_trust_attribute(const PKCS12_SAFEBAG *bag, const ASN1_OBJECT *oid)
{
    const STACK_OF(X509_ATTRIBUTE) *attrs = PKCS12_SAFEBAG_get0_attrs(bag);
    int i;

    for (i = 0; i < sk_X509_ATTRIBUTE_num(attrs); i++) {
        X509_ATTRIBUTE *a = sk_X509_ATTRIBUTE_value(attrs, i);

        if (OBJ_cmp(X509_ATTRIBUTE_get0_object(a), oid) == 0)
            return 1;
    }
    return 0;
}

/* DER of an ASN.1 value into a malloc'ed buffer. */
#define ENCODE_INTO(fn, value, outp, outlen)                   \
    do {                                                       \
        int n_ = fn((value), NULL);                            \
        *(outp) = NULL;                                        \
        *(outlen) = 0;                                         \
        if (n_ > 0 && (*(outp) = malloc((size_t)n_)) != NULL) { \
            unsigned char *q_ = *(outp);                       \
            if (fn((value), &q_) == n_) {                      \
                *(outlen) = (size_t)n_;                        \
            } else {                                           \
                free(*(outp));                                 \
                *(outp) = NULL;                                \
            }                                                  \
        }                                                      \
    } while (0)

static int add_key(read_state *st, PKCS12_SAFEBAG *bag, int shrouded)
{
    PKCS8_PRIV_KEY_INFO *decrypted = NULL;
    const PKCS8_PRIV_KEY_INFO *p8;
    zwe_p12_key key;
    zwe_p12_contents *out = st->out;

    memset(&key, 0, sizeof(key));
    key.certificate_index = -1;
    key.bag_index = st->bag_counter;
    key.shrouded = shrouded;

    if (shrouded) {
        decrypted = PKCS12_decrypt_skey(bag, st->pass, st->pass == NULL ? 0 : st->passlen);
        if (decrypted == NULL)
            return decryption_failure(st, "a private key");
        p8 = decrypted;
    } else {
        p8 = PKCS12_SAFEBAG_get0_p8inf(bag);
        if (p8 == NULL) {
            report(st->err, st->err_capacity, "a key bag holds no private key");
            return ZWE_P12_MALFORMED;
        }
    }
    ENCODE_INTO(i2d_PKCS8_PRIV_KEY_INFO, p8, &key.pkcs8_der, &key.pkcs8_der_length);
    PKCS8_PRIV_KEY_INFO_free(decrypted);
    if (key.pkcs8_der == NULL)
        goto oom;
    if (!read_common_attributes(bag, &key.friendly_name, &key.local_key_id,
                                &key.local_key_id_length, &key.has_local_key_id))
        goto oom;
    if (out->key_count == st->key_capacity) {
        size_t cap = st->key_capacity == 0 ? 4 : st->key_capacity * 2;
        zwe_p12_key *keys = realloc(out->keys, cap * sizeof(*keys));

        if (keys == NULL)
            goto oom;
        out->keys = keys;
        st->key_capacity = cap;
    }
    out->keys[out->key_count++] = key;
    return ZWE_P12_OK;

oom:
    free(key.pkcs8_der);
    free(key.friendly_name);
    free(key.local_key_id);
    report(st->err, st->err_capacity, "out of memory");
    return ZWE_P12_FAILED;
}

static int add_certificate(read_state *st, PKCS12_SAFEBAG *bag)
{
    zwe_p12_certificate c;
    zwe_p12_contents *out = st->out;
    X509 *x;

    if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
        out->skipped_bag_count++;
        return ZWE_P12_OK;
    }
    x = PKCS12_SAFEBAG_get1_cert(bag);
    if (x == NULL) {
        report(st->err, st->err_capacity, "a certificate bag holds no readable X.509 certificate");
        return ZWE_P12_MALFORMED;
    }
    memset(&c, 0, sizeof(c));
    c.issuer_index = -1;
    c.bag_index = st->bag_counter;
    c.trusted = has_trust_attribute(bag, st->trust_oid);
    c.self_issued = (X509_get_extension_flags(x) & EXFLAG_SI) != 0;
    ENCODE_INTO(i2d_X509, x, &c.der, &c.der_length);
    ENCODE_INTO(i2d_X509_NAME, X509_get_subject_name(x), &c.subject_der, &c.subject_der_length);
    ENCODE_INTO(i2d_X509_NAME, X509_get_issuer_name(x), &c.issuer_der, &c.issuer_der_length);
    if (c.der == NULL || c.subject_der == NULL || c.issuer_der == NULL)
        goto oom;
    if (!read_common_attributes(bag, &c.friendly_name, &c.local_key_id,
                                &c.local_key_id_length, &c.has_local_key_id))
        goto oom;
    if (out->certificate_count == st->certificate_capacity) {
        size_t cap = st->certificate_capacity == 0 ? 8 : st->certificate_capacity * 2;
        zwe_p12_certificate *certs = realloc(out->certificates, cap * sizeof(*certs));
        X509 **xs;

        if (certs == NULL)
            goto oom;
        out->certificates = certs;
        xs = realloc(st->x509s, cap * sizeof(*xs));
        if (xs == NULL)
            goto oom;
        st->x509s = xs;
        st->certificate_capacity = cap;
    }
    st->x509s[out->certificate_count] = x;
    st->x509_count = out->certificate_count + 1;
    out->certificates[out->certificate_count++] = c;
    return ZWE_P12_OK;

oom:
    X509_free(x);
    free(c.der);
    free(c.subject_der);
    free(c.issuer_der);
    free(c.friendly_name);
    free(c.local_key_id);
    report(st->err, st->err_capacity, "out of memory");
    return ZWE_P12_FAILED;
}

static int walk_bags(read_state *st, const STACK_OF(PKCS12_SAFEBAG) *bags, int depth)
{
    int i;

    if (depth > MAX_BAG_DEPTH) {
        report(st->err, st->err_capacity, "safe contents nested too deeply");
        return ZWE_P12_MALFORMED;
    }
    for (i = 0; i < sk_PKCS12_SAFEBAG_num(bags); i++) {
        PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
        int status = ZWE_P12_OK;

        switch (PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_keyBag:
            status = add_key(st, bag, 0);
            break;
        case NID_pkcs8ShroudedKeyBag:
            status = add_key(st, bag, 1);
            break;
        case NID_certBag:
            status = add_certificate(st, bag);
            break;
        case NID_safeContentsBag:
            status = walk_bags(st, PKCS12_SAFEBAG_get0_safes(bag), depth + 1);
            break;
        default:
            st->out->skipped_bag_count++;
            break;
        }
        st->bag_counter++;
        if (status != ZWE_P12_OK)
            return status;
    }
    return ZWE_P12_OK;
}

/* Leaf certificate of each key: localKeyID, then friendlyName, then the public key. */
static void match_keys(read_state *st)
{
    zwe_p12_contents *out = st->out;
    size_t k, c;

    for (k = 0; k < out->key_count; k++) {
        zwe_p12_key *key = &out->keys[k];

        if (key->has_local_key_id) {
            for (c = 0; c < out->certificate_count && key->certificate_index < 0; c++) {
                const zwe_p12_certificate *cert = &out->certificates[c];

                if (cert->has_local_key_id && cert->local_key_id_length == key->local_key_id_length
                    && memcmp(cert->local_key_id, key->local_key_id, key->local_key_id_length) == 0)
                    key->certificate_index = (long)c;
            }
        }
        if (key->certificate_index < 0 && key->friendly_name != NULL) {
            for (c = 0; c < out->certificate_count && key->certificate_index < 0; c++) {
                const zwe_p12_certificate *cert = &out->certificates[c];

                if (cert->friendly_name != NULL && strcmp(cert->friendly_name, key->friendly_name) == 0)
                    key->certificate_index = (long)c;
            }
        }
        if (key->certificate_index < 0) {
            const unsigned char *p = key->pkcs8_der;
            PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)key->pkcs8_der_length);
            EVP_PKEY *pkey = p8 == NULL ? NULL : EVP_PKCS82PKEY(p8);

            for (c = 0; pkey != NULL && c < out->certificate_count && key->certificate_index < 0; c++) {
                EVP_PKEY *pub = X509_get0_pubkey(st->x509s[c]);

                if (pub != NULL && EVP_PKEY_eq(pub, pkey) == 1)
                    key->certificate_index = (long)c;
            }
            EVP_PKEY_free(pkey);
            PKCS8_PRIV_KEY_INFO_free(p8);
            ERR_clear_error();
        }
    }
}

/* Issuer of each certificate: name and key identifiers (X509_check_issued), then the name alone. */
static void link_issuers(read_state *st)
{
    zwe_p12_contents *out = st->out;
    size_t i, j;

    for (i = 0; i < out->certificate_count; i++) {
        zwe_p12_certificate *c = &out->certificates[i];
        X509 *x = st->x509s[i];

        if (c->self_issued)
            continue;
        for (j = 0; j < out->certificate_count && c->issuer_index < 0; j++) {
            if (j != i && X509_check_issued(st->x509s[j], x) == X509_V_OK)
                c->issuer_index = (long)j;
        }
        for (j = 0; j < out->certificate_count && c->issuer_index < 0; j++) {
            const zwe_p12_certificate *d = &out->certificates[j];

            if (j != i && X509_NAME_cmp(X509_get_subject_name(st->x509s[j]), X509_get_issuer_name(x)) == 0
                && !(d->der_length == c->der_length && memcmp(d->der, c->der, c->der_length) == 0))
                c->issuer_index = (long)j;
        }
    }
    ERR_clear_error();
}

void zwe_p12_contents_free(zwe_p12_contents *contents)
{
    size_t i;

    if (contents == NULL)
        return;
    for (i = 0; i < contents->certificate_count; i++) {
        zwe_p12_certificate *c = &contents->certificates[i];

        free(c->der);
        free(c->subject_der);
        free(c->issuer_der);
        free(c->friendly_name);
        free(c->local_key_id);
    }
    for (i = 0; i < contents->key_count; i++) {
        zwe_p12_key *k = &contents->keys[i];

        if (k->pkcs8_der != NULL)
            OPENSSL_cleanse(k->pkcs8_der, k->pkcs8_der_length);
        free(k->pkcs8_der);
        free(k->friendly_name);
        free(k->local_key_id);
    }
    free(contents->certificates);
    free(contents->keys);
    memset(contents, 0, sizeof(*contents));
}

int zwe_p12_read(const uint8_t *data, size_t length, const char *password,
                 zwe_p12_contents *out,
                 char *err, size_t err_capacity)
{
    int status = ZWE_P12_MALFORMED;
    PKCS12 *p12 = NULL;
    STACK_OF(PKCS7) *authsafes = NULL;
    read_state st;
    int i;

    ERR_clear_error();
    clear_err_buffer(err, err_capacity);
    memset(&st, 0, sizeof(st));
    if (out == NULL || password == NULL || (data == NULL && length > 0)) {
        report(err, err_capacity, "invalid arguments");
        return ZWE_P12_FAILED;
    }
    memset(out, 0, sizeof(*out));
    st.out = out;
    st.err = err;
    st.err_capacity = err_capacity;
    st.pass = password;
    st.passlen = (int)strlen(password);

    if (length == 0) {
        report(err, err_capacity, "the file is empty");
        goto done;
    }
    if (length > (size_t)INT32_MAX) {
        report(err, err_capacity, "the file is too large");
        goto done;
    }
    {
        const unsigned char *p = data;

        p12 = d2i_PKCS12(NULL, &p, (long)length);
        if (p12 == NULL) {
            ERR_clear_error();
            if (length >= 10 && memcmp(data, "-----BEGIN", 10) == 0)
                report(err, err_capacity, "PEM text, not a DER PKCS#12 file");
            else
                report(err, err_capacity, "not a PKCS#12 file (not a DER PFX structure)");
            goto done;
        }
        if (p != data + length) {
            report(err, err_capacity, "%zu bytes of trailing data after the PKCS#12 structure",
                   (size_t)(data + length - p));
            goto done;
        }
    }

    if (PKCS12_mac_present(p12)) {
        if (PKCS12_verify_mac(p12, password, -1)) {
            out->has_mac = 1;
        } else if (st.passlen == 0 && (ERR_clear_error(), PKCS12_verify_mac(p12, NULL, 0))) {
            /* Empty password: OpenSSL writes the MAC of an absent password for it. */
            out->has_mac = 1;
            st.pass = NULL;
        } else if (ERR_peek_error() == 0) {
            /* The MAC was computed and differs. */
            status = ZWE_P12_WRONG_PASSWORD;
            report(err, err_capacity, "MAC verification failed: wrong password");
            goto done;
        } else {
            int flags = report(err, err_capacity, "cannot compute the MAC");

            status = (flags & QUEUE_UNSUPPORTED) ? ZWE_P12_UNSUPPORTED : ZWE_P12_MALFORMED;
            goto done;
        }
    }
    ERR_clear_error();

    st.trust_oid = OBJ_txt2obj(ORACLE_TRUSTED_KEY_USAGE_OID, 1);
    if (st.trust_oid == NULL) {
        report(err, err_capacity, "out of memory");
        status = ZWE_P12_FAILED;
        goto done;
    }

    authsafes = PKCS12_unpack_authsafes(p12);
    if (authsafes == NULL) {
        int flags = report(err, err_capacity, "cannot unpack the authenticated safe");

        status = (flags & QUEUE_UNSUPPORTED) ? ZWE_P12_UNSUPPORTED : ZWE_P12_MALFORMED;
        goto done;
    }
    for (i = 0; i < sk_PKCS7_num(authsafes); i++) {
        PKCS7 *p7 = sk_PKCS7_value(authsafes, i);
        STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
        int nid = OBJ_obj2nid(p7->type);

        if (nid == NID_pkcs7_data) {
            bags = PKCS12_unpack_p7data(p7);
            if (bags == NULL) {
                report(err, err_capacity, "cannot parse safe %d", i + 1);
                status = ZWE_P12_MALFORMED;
                goto done;
            }
        } else if (nid == NID_pkcs7_encrypted) {
            bags = PKCS12_unpack_p7encdata(p7, st.pass, st.pass == NULL ? 0 : st.passlen);
            if (bags == NULL) {
                status = decryption_failure(&st, "an encrypted safe");
                goto done;
            }
        } else {
            report(err, err_capacity, "safe %d is of type %s (public-key protected safes are not supported)",
                   i + 1, OBJ_nid2sn(nid));
            status = ZWE_P12_UNSUPPORTED;
            goto done;
        }
        status = walk_bags(&st, bags, 0);
        sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
        if (status != ZWE_P12_OK)
            goto done;
    }

    match_keys(&st);
    link_issuers(&st);
    status = ZWE_P12_OK;

done:
    if (status != ZWE_P12_OK)
        zwe_p12_contents_free(out);
    if (st.x509s != NULL) {
        size_t n;

        for (n = 0; n < st.x509_count; n++)
            X509_free(st.x509s[n]);
        free(st.x509s);
    }
    ASN1_OBJECT_free(st.trust_oid);
    sk_PKCS7_pop_free(authsafes, PKCS7_free);
    PKCS12_free(p12);
    ERR_clear_error();
    return status;
}
