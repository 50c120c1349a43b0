/* SPDX-License-Identifier: MIT */
/*
 * test_tls.c — HTTPS against the emulator with certificates made at run time by a throwaway CA
 * (openssl, into a temporary directory): llmc succeeds when told the CA (llmc_client_set_ca_file,
 * CURL_CA_BUNDLE, the CLI's --cacert) and otherwise fails with a certificate error that says how
 * to trust a CA — before any key is sent. There is no switch that turns verification off.
 */
#include "harness.h"
#include "models.h"

#include <llmc/llmc.h>

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];         /* the temporary directory holding every certificate and key */
static bool have_tls;        /* openssl made the files and the emulator serves HTTPS */
static emulator good;        /* certificate for 127.0.0.1/localhost from our CA */
static emulator wrong_name;  /* from our CA, but for other.invalid */
static emulator self_signed; /* its own CA */

static const char *file_in_dir(const char *name)
{
    static char paths[8][128];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

/* ---- making the certificates ---- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

#define EC_KEY "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

/* A CA, a second unrelated CA, a server certificate for 127.0.0.1 from the first, one for the
 * wrong name, and a self-signed one. EC keys: each takes milliseconds to make. */
static bool make_certificates(void)
{
    FILE *f = fopen(file_in_dir("server.ext"), "w");
    if (!f)
        return false;
    fputs(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        f);
    fclose(f);
    f = fopen(file_in_dir("wrong.ext"), "w");
    if (!f)
        return false;
    fputs("subjectAltName=DNS:other.invalid\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n", f);
    fclose(f);
    return sh("(cd '%s' && "
              "openssl req -x509 " EC_KEY
              " -keyout ca.key -out ca.pem -days 2 -subj '/CN=llmc test CA' "
              "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign && "
              "openssl req -x509 " EC_KEY
              " -keyout other-ca.key -out other-ca.pem -days 2 -subj '/CN=unrelated CA' "
              "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign && "
              "openssl req " EC_KEY
              " -keyout server.key -out server.csr -subj '/CN=127.0.0.1' && "
              "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
              "-days 2 -extfile server.ext && "
              "openssl req " EC_KEY
              " -keyout wrong.key -out wrong.csr -subj '/CN=other.invalid' && "
              "openssl x509 -req -in wrong.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out wrong.pem "
              "-days 2 -extfile wrong.ext && "
              "openssl req -x509 " EC_KEY
              " -keyout self.key -out self.pem -days 2 -subj '/CN=127.0.0.1' "
              "-addext subjectAltName=IP:127.0.0.1"
              ") >/dev/null 2>&1",
              dir) == 0;
}

static void start_tls(emulator *emu, const char *cert, const char *key)
{
    const char *args[] = {"--tls-cert", file_in_dir(cert), "--tls-key", file_in_dir(key), NULL};
    emulator_start(emu, args);
    /* the harness assumes http; this emulator speaks only https */
    snprintf(emu->base, sizeof emu->base, "https://127.0.0.1:%d", emu->port);
}

/* ---- the test's own view of an HTTPS emulator's request log ---- */

static size_t discard(char *p, size_t size, size_t nmemb, void *userp)
{
    (void)p;
    (void)userp;
    return size * nmemb;
}

static size_t count_methods(char *p, size_t size, size_t nmemb, void *userp)
{
    size_t n = size * nmemb, *count = userp;
    /* "method" appears once per recorded request; chunk borders could split one, but the log
     * of these tests is a few hundred bytes and arrives in one piece */
    for (char *q = p; (q = memmem(q, (size_t)(p + n - q), "\"method\"", 8)) != NULL; q += 8)
        (*count)++;
    return n;
}

/* GET or DELETE the request log of an HTTPS emulator, trusting `ca` and reaching it as `host`
 * (resolved to 127.0.0.1). Verification stays on: the test pins each server's own anchor. */
static size_t tls_log(const emulator *emu, const char *method, const char *ca, const char *host)
{
    CURL *curl = curl_easy_init();
    char url[256], resolve[128];
    snprintf(url, sizeof url, "https://%s:%d/_emulator/requests", host, emu->port);
    snprintf(resolve, sizeof resolve, "%s:%d:127.0.0.1", host, emu->port);
    struct curl_slist *res = curl_slist_append(NULL, resolve);
    size_t count = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_RESOLVE, res);
    curl_easy_setopt(curl, CURLOPT_CAINFO, file_in_dir(ca));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, strcmp(method, "GET") == 0 ? count_methods : discard);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &count);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    CURLcode cc = curl_easy_perform(curl);
    curl_slist_free_all(res);
    curl_easy_cleanup(curl);
    assert_int_equal(cc, CURLE_OK);
    return count;
}

static size_t requests_seen(const emulator *emu)
{
    if (emu == &good)
        return tls_log(emu, "GET", "ca.pem", "127.0.0.1");
    if (emu == &wrong_name)
        return tls_log(emu, "GET", "ca.pem", "other.invalid");
    return tls_log(emu, "GET", "self.pem", "127.0.0.1");
}

static void forget_requests(void)
{
    tls_log(&good, "DELETE", "ca.pem", "127.0.0.1");
    tls_log(&wrong_name, "DELETE", "ca.pem", "other.invalid");
    tls_log(&self_signed, "DELETE", "self.pem", "127.0.0.1");
}

/* ---- calls ---- */

typedef struct outcome {
    llmc_code rc;
    llmc_error err;
    char text[128];
} outcome;

/* One Anthropic call to `emu`; `ca` NULL leaves the trust store alone. */
static outcome call(const emulator *emu, const char *ca, bool allow_insecure_http)
{
    outcome o;
    memset(&o, 0, sizeof o);
    llmc_client *c = llmc_client_new();
    char base[128];
    snprintf(base, sizeof base, "%s/anthropic", emu->base);
    llmc_error err;
    assert_int_equal(llmc_client_set_base_url(c, "anthropic", base, &err), LLMC_OK);
    assert_int_equal(llmc_client_set_key(c, "anthropic", test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    if (ca)
        assert_int_equal(llmc_client_set_ca_file(c, ca, &err), LLMC_OK);
    llmc_client_allow_insecure_http(c, allow_insecure_http);
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    llmc_request_add_message(req, LLMC_ROLE_USER, "over tls", &err);
    llmc_response *resp = NULL;
    o.rc = llmc_messages_create(c, req, &resp, &o.err);
    if (resp)
        snprintf(o.text, sizeof o.text, "%s", llmc_response_text(resp));
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(c);
    return o;
}

/* A refusal: a transport error naming the certificate and how to trust a CA, one attempt (a
 * certificate does not get better by asking again), and nothing reached the server's HTTP layer. */
static void expect_refused(const outcome *o, const emulator *emu, const char *what)
{
    if (getenv("LLMC_TEST_VERBOSE") || o->rc != LLMC_E_TRANSPORT)
        fprintf(stderr, "%s -> rc %d: %s\n", what, o->rc, o->err.message);
    assert_int_equal(o->rc, LLMC_E_TRANSPORT);
    assert_int_equal(o->err.http_status, 0);
    assert_int_equal(o->err.attempts, 1);
    assert_true(o->err.transport_code == CURLE_PEER_FAILED_VERIFICATION ||
                o->err.transport_code == CURLE_SSL_CACERT_BADFILE);
    assert_non_null(strstr(o->err.message, "certificate"));
    assert_non_null(strstr(o->err.message, "--cacert"));
    assert_non_null(strstr(o->err.message, "llmc_client_set_ca_file"));
    assert_non_null(strstr(o->err.message, "CURL_CA_BUNDLE"));
    assert_null(strstr(o->err.message, test_key("ANTHROPIC", "VALID")));
    assert_int_equal(requests_seen(emu), 0);
}

#define NEED_TLS()                                                                                                     \
    do {                                                                                                               \
        if (!have_tls)                                                                                                 \
            skip();                                                                                                    \
        forget_requests();                                                                                             \
    } while (0)

static void test_trusted_with_set_ca_file(void **state)
{
    (void)state;
    NEED_TLS();
    outcome o = call(&good, file_in_dir("ca.pem"), false);
    if (o.rc != LLMC_OK)
        fprintf(stderr, "set_ca_file: %s\n", o.err.message);
    assert_int_equal(o.rc, LLMC_OK);
    assert_string_equal(o.text, "You said: over tls");
    assert_int_equal(requests_seen(&good), 1);
}

static void test_trusted_with_curl_ca_bundle(void **state)
{
    (void)state;
    NEED_TLS();
    setenv("CURL_CA_BUNDLE", file_in_dir("ca.pem"), 1);
    outcome o = call(&good, NULL, false);
    assert_int_equal(o.rc, LLMC_OK);
    assert_string_equal(o.text, "You said: over tls");

    /* the explicit setting wins over the variable */
    setenv("CURL_CA_BUNDLE", file_in_dir("other-ca.pem"), 1);
    o = call(&good, file_in_dir("ca.pem"), false);
    assert_int_equal(o.rc, LLMC_OK);
    assert_int_equal(requests_seen(&good), 2);
    forget_requests();
    o = call(&good, NULL, false);
    expect_refused(&o, &good, "CURL_CA_BUNDLE names an unrelated CA");
    unsetenv("CURL_CA_BUNDLE");
}

static void test_untrusted_by_default(void **state)
{
    (void)state;
    NEED_TLS();
    outcome o = call(&good, NULL, false);
    expect_refused(&o, &good, "our CA, not trusted");
    o = call(&good, file_in_dir("other-ca.pem"), false);
    expect_refused(&o, &good, "an unrelated CA trusted instead");
}

/* No switch turns verification off: allowing plain http to other hosts changes nothing here. */
static void test_self_signed_refused(void **state)
{
    (void)state;
    NEED_TLS();
    outcome o = call(&self_signed, NULL, false);
    expect_refused(&o, &self_signed, "self-signed");
    o = call(&self_signed, NULL, true);
    expect_refused(&o, &self_signed, "self-signed, insecure http allowed");
    o = call(&self_signed, file_in_dir("ca.pem"), true);
    expect_refused(&o, &self_signed, "self-signed, our CA trusted");
}

/* The right CA, but a certificate for another name: the host name is checked too. */
static void test_wrong_host_name_refused(void **state)
{
    (void)state;
    NEED_TLS();
    outcome o = call(&wrong_name, file_in_dir("ca.pem"), false);
    expect_refused(&o, &wrong_name, "certificate for other.invalid");
}

static void test_missing_ca_file(void **state)
{
    (void)state;
    NEED_TLS();
    outcome o = call(&good, file_in_dir("no-such-ca.pem"), false);
    expect_refused(&o, &good, "CA file missing");
}

static void test_cli(void **state)
{
    (void)state;
    NEED_TLS();
    const char *key = test_key("ANTHROPIC", "VALID");
    char base_var[256], key_var[256], bundle_var[256];
    snprintf(base_var, sizeof base_var, "ANTHROPIC_BASE_URL=%s/anthropic", good.base);
    snprintf(key_var, sizeof key_var, "ANTHROPIC_API_KEY=%s", key);
    snprintf(bundle_var, sizeof bundle_var, "CURL_CA_BUNDLE=%s", file_in_dir("ca.pem"));
    const char *env[] = {base_var, key_var, NULL};
    const char *env_bundle[] = {base_var, key_var, bundle_var, NULL};

    const char *with_ca[] = {"--cacert", file_in_dir("ca.pem"), "-m", TEST_MODEL_ANTHROPIC, "hi", NULL};
    cli_result r = run_cli(with_ca, env, NULL);
    if (r.status != 0)
        fprintf(stderr, "cli --cacert: %d\n%s", r.status, r.err);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: hi\n");
    cli_result_free(&r);

    const char *plain[] = {"-m", TEST_MODEL_ANTHROPIC, "hi", NULL};
    r = run_cli(plain, env_bundle, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: hi\n");
    cli_result_free(&r);
    assert_int_equal(requests_seen(&good), 2);

    r = run_cli(plain, env, NULL);
    if (getenv("LLMC_TEST_VERBOSE") || r.status != 6)
        fprintf(stderr, "cli without a CA: %d\n%s", r.status, r.err);
    assert_int_equal(r.status, 6);
    assert_non_null(strstr(r.err, "certificate"));
    assert_non_null(strstr(r.err, "--cacert"));
    assert_null(strstr(r.err, key));
    assert_null(strstr(r.out, key));
    cli_result_free(&r);
    assert_int_equal(requests_seen(&good), 2);
}

static int group_setup(void **state)
{
    (void)state;
    set_provider_env(NULL);
    unsetenv("CURL_CA_BUNDLE");
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/llmc-tls-XXXXXX", tmp);
    if (!mkdtemp(dir))
        return -1;
    /* Without the openssl command (a bare developer machine) the cases are skipped; CI installs
     * it. With it, failing to make the certificates is a failure, not a skip. */
    if (sh("openssl version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_tls: no openssl command: TLS cases skipped\n");
        return 0;
    }
    if (!(have_tls = make_certificates())) {
        fprintf(stderr, "test_tls: openssl could not make the test certificates in %s\n", dir);
        return -1;
    }
    {
        start_tls(&good, "server.pem", "server.key");
        start_tls(&wrong_name, "wrong.pem", "wrong.key");
        start_tls(&self_signed, "self.pem", "self.key");
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&good);
    emulator_stop(&wrong_name);
    emulator_stop(&self_signed);
    if (dir[0])
        sh("rm -rf '%s'", dir);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trusted_with_set_ca_file),
        cmocka_unit_test(test_trusted_with_curl_ca_bundle),
        cmocka_unit_test(test_untrusted_by_default),
        cmocka_unit_test(test_self_signed_refused),
        cmocka_unit_test(test_wrong_host_name_refused),
        cmocka_unit_test(test_missing_ca_file),
        cmocka_unit_test(test_cli),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
