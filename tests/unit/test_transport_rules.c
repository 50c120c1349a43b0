/* SPDX-License-Identifier: MIT */
/*
 * test_transport_rules.c — the pure rules under the transport: which statuses are retried and
 * after how long, which URLs may carry a key, how a key is fingerprinted, and what log
 * redaction removes.
 */
#include "transport.h"
#include "secret.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_retry_statuses(void **state)
{
    (void)state;
    static const long retried[] = {0, 408, 409, 429, 500, 502, 503, 504, 529};
    static const long not_retried[] = {400, 401, 403, 404, 413, 422};
    for (size_t i = 0; i < sizeof retried / sizeof retried[0]; i++)
        assert_true(llmc_retry_wanted(retried[i], -1));
    for (size_t i = 0; i < sizeof not_retried / sizeof not_retried[0]; i++)
        assert_false(llmc_retry_wanted(not_retried[i], -1));
    /* x-should-retry wins both ways */
    assert_true(llmc_retry_wanted(400, 1));
    assert_false(llmc_retry_wanted(529, 0));
}

static void test_retry_delays(void **state)
{
    (void)state;
    /* without jitter: 0.5, 1, 2, 4, 8, 8 s */
    static const double expect[] = {0.5, 1, 2, 4, 8, 8};
    for (int n = 0; n < 6; n++)
        assert_true(llmc_retry_delay_s(n, -1, 0.0) == expect[n]);
    /* full jitter takes off at most a quarter */
    assert_true(llmc_retry_delay_s(1, -1, 0.999) > 0.75 && llmc_retry_delay_s(1, -1, 0.999) <= 1.0);
    /* the server's ask is honoured in (0, 60] s, otherwise the backoff applies */
    assert_true(llmc_retry_delay_s(0, 3.0, 0.5) == 3.0);
    assert_true(llmc_retry_delay_s(0, 60.0, 0.5) == 60.0);
    assert_true(llmc_retry_delay_s(0, 61.0, 0.0) == 0.5);
    assert_true(llmc_retry_delay_s(0, 0.0, 0.0) == 0.5);
    assert_true(llmc_retry_delay_s(2, -5.0, 0.0) == 2.0);
}

static void test_url_policy(void **state)
{
    (void)state;
    llmc_error err;
    static const char *const ok[] = {"https://api.anthropic.com", "http://127.0.0.1:8080/x",
                                     "http://localhost:1/",       "http://127.8.9.10/",
                                     "http://[::1]:9000/v1",      "https://example.com:8443/v1"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        llmc_error_clear(&err);
        assert_int_equal(llmc_url_check(ok[i], false, &err), LLMC_OK);
    }
    llmc_error_clear(&err);
    assert_int_equal(llmc_url_check("http://api.example.com/v1", false, &err), LLMC_E_INSECURE);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_TRANSPORT_INSECURE);
    assert_non_null(strstr(err.message, "api.example.com"));
    /* look-alikes of loopback are not loopback */
    assert_int_equal(llmc_url_check("http://127.0.0.1.evil.com/", false, &err), LLMC_E_INSECURE);
    assert_int_equal(llmc_url_check("http://localhost.evil.com/", false, &err), LLMC_E_INSECURE);
    assert_int_equal(llmc_url_check("http://10.0.0.5/", false, &err), LLMC_E_INSECURE);
    /* an explicit opt-in allows it */
    assert_int_equal(llmc_url_check("http://10.0.0.5/", true, &err), LLMC_OK);
    assert_int_equal(llmc_url_check("ftp://example.com/", true, &err), LLMC_E_CONFIG);
    assert_int_equal(llmc_url_check("not a url", false, &err), LLMC_E_CONFIG);
}

static void test_fingerprints(void **state)
{
    (void)state;
    char fp[32];
    const char *anthropic =
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_abcdefghijklmnopqrstuvwxyz0123456WXYZ";
    llmc_key_fingerprint(anthropic, strlen(anthropic), fp);
    assert_string_equal(fp, "sk-ant-\u2026WXYZ");
    llmc_key_fingerprint("csk-0123456789abcdefghij", 24, fp);
    assert_string_equal(fp, "csk-\u2026ghij");
    llmc_key_fingerprint("fw_ABCDEFGHIJKLMNOP", 19, fp);
    assert_string_equal(fp, "fw_\u2026MNOP");
    llmc_key_fingerprint("0123456789abcdef", 16, fp);
    assert_string_equal(fp, "012\u2026cdef");
    /* short keys reveal only their length: showing 7 of 11 characters would give most away */
    llmc_key_fingerprint("short", 5, fp);
    assert_string_equal(fp, "5 characters");
    /* printed in parentheses by callers: the fingerprint itself has none, nor a wrong plural */
    llmc_key_fingerprint("x", 1, fp);
    assert_string_equal(fp, "1 character");
}

static void test_redaction(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"x-api-key: sk-ant-api03-secret", "x-api-key: [REDACTED]"},
        {"Authorization: Bearer csk-abc", "Authorization: [REDACTED]"},
        {"AUTHORIZATION:Bearer xyz123", "AUTHORIZATION:[REDACTED]"},
        {"Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: [REDACTED]"},
        {"Cookie: session=a; c=d", "Cookie: [REDACTED]"},
        {"set-cookie: session=abcdef", "set-cookie: [REDACTED]"},
        {"api-key: 12345678901", "api-key: [REDACTED]"},
        {"using key sk-proj-ABCDEFGHIJKLMNOP now", "using key [REDACTED] now"},
        {"csk-abcdefghijklmnop1234 and fw_ABCDEFGHIJKLMN", "[REDACTED] and [REDACTED]"},
        {"content-type: application/json", "content-type: application/json"},
        {"the disk-usage is fine; ask-me", "the disk-usage is fine; ask-me"},
        {"x-api-key: ab", "x-api-key: **"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[256];
        strcpy(line, cases[i].in);
        llmc_redact(line);
        assert_string_equal(line, cases[i].out);
    }
}

static void test_secret_round_trip(void **state)
{
    (void)state;
    llmc_secret *s = llmc_secret_new("abc\0def", 7);
    assert_int_equal(llmc_secret_len(s), 7);
    assert_memory_equal(llmc_secret_bytes(s), "abc\0def", 8);
    llmc_secret_free(s);
    llmc_secret_free(NULL);
}

/* A key is scrubbed whole, and so is any run of 8 or more of its characters (a server that
 * echoes part of it, or a field cut in the middle of it); text never grows. */
static void test_secret_scrub(void **state)
{
    (void)state;
    const char *k = "csk-abcdefghij0123456789klmnopqrstuvwxyz0123456789ab";
    llmc_secret *key = llmc_secret_new(k, strlen(k));
    char text[256];
    snprintf(text, sizeof text, "bad key %s here", k);
    assert_int_equal(llmc_secret_scrub(text, key), 1);
    assert_string_equal(text, "bad key [REDACTED] here");
    snprintf(text, sizeof text, "code=%.20s", k + 10);
    assert_int_equal(llmc_secret_scrub(text, key), 1);
    assert_string_equal(text, "code=[REDACTED]");
    snprintf(text, sizeof text, "tail %.8s!", k + 30);
    llmc_secret_scrub(text, key);
    assert_string_equal(text, "tail [REDACTE!");
    /* seven characters are not a copy; two separate runs are two */
    snprintf(text, sizeof text, "x %.7s y", k + 5);
    assert_int_equal(llmc_secret_scrub(text, key), 0);
    snprintf(text, sizeof text, "%.12s and %.12s", k + 2, k + 30);
    assert_int_equal(llmc_secret_scrub(text, key), 2);
    assert_string_equal(text, "[REDACTED] and [REDACTED]");
    /* every place a run can stand and every run of the key: the scan looks at every fifth
     * window, so a run must be found whatever its start is modulo 5 */
    for (size_t at = 0; at < 12; at++)
        for (size_t from = 0; from + 8 <= strlen(k); from += 3)
            for (size_t len = 8; len <= 11 && from + len <= strlen(k); len++) {
                char t[128];
                memset(t, '~', sizeof t);
                memcpy(t + at, k + from, len);
                size_t n = at + len + (from % 4); /* the text ends at the run or a little after */
                t[n] = '\0';
                size_t tl = n;
                if (llmc_secret_scrub_buf(t, &tl, key) != 1 || memchr(t, k[from + 3], tl))
                    fail_msg("a run of %zu from %zu at offset %zu was missed", len, from, at);
            }
    llmc_secret_free(key);

    /* a short key (a LAN server's "abc123xy"): only whole copies */
    llmc_secret *short_key = llmc_secret_new("secret12", 8);
    snprintf(text, sizeof text, "got secret12.");
    assert_int_equal(llmc_secret_scrub(text, short_key), 1);
    assert_string_equal(text, "got [REDACTE.");
    llmc_secret *same = llmc_secret_new("secret12", 8), *other = llmc_secret_new("secret13", 8);
    assert_true(llmc_secret_equal(short_key, same));
    assert_false(llmc_secret_equal(short_key, other));
    llmc_secret_free(short_key);
    llmc_secret_free(same);
    llmc_secret_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_statuses), cmocka_unit_test(test_retry_delays),
        cmocka_unit_test(test_url_policy),     cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_redaction),      cmocka_unit_test(test_secret_round_trip),
        cmocka_unit_test(test_secret_scrub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
