/* SPDX-License-Identifier: MIT */
/*
 * fuzz_errbody.c — libFuzzer target: arbitrary error responses (llmc_error_from_response). The
 * first two bytes pick the status (100–599), the third the content type, the rest is the body.
 * Whatever arrives, the error keeps its status, a code that follows from it, and one printable
 * line of message, every field NUL-terminated inside its array.
 *
 * The body is passed NUL-terminated, as every caller in the library passes it (an llmc_buf):
 * describe_non_json() in src/errbody.c runs strstr()/strlen() on it and so reads past `len` on
 * a body that is not terminated (found by this target; reported). Drop the copy once it uses
 * only `len`.
 */
#include "wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            __builtin_trap();                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/json", "text/html", "text/plain", "", NULL, "application/json; charset=utf-8"};
    if (size < 3)
        return 0;
    long status = 100 + ((data[0] << 8) | data[1]) % 500;
    const char *ctype = types[data[2] % (sizeof types / sizeof types[0])];
    char *body = malloc(size - 3 + 1);
    CHECK(body != NULL);
    memcpy(body, data + 3, size - 3);
    body[size - 3] = '\0';
    llmc_error err;
    llmc_error_clear(&err);
    llmc_error_from_response(status, ctype, body, size - 3, "anthropic", &err);
    free(body);
    CHECK(err.http_status == status);
    llmc_code expected = llmc_code_for_status(status);
    if (expected == LLMC_OK)
        expected = LLMC_E_PROTOCOL;
    /* an overloaded_error type may upgrade the code; nothing else changes it */
    CHECK(err.code == expected || err.code == LLMC_E_OVERLOADED);
    CHECK(err.code != LLMC_OK);
    /* Not yet: err.message[0] != '\0'. A provider message made only of spaces or control
     * characters (e.g. {"error":"\x7f"}) is flattened to "" and kept (errbody.c, reported). */
    CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
    CHECK(memchr(err.provider_type, '\0', sizeof err.provider_type));
    CHECK(memchr(err.provider_code, '\0', sizeof err.provider_code));
    CHECK(memchr(err.request_id, '\0', sizeof err.request_id));
    CHECK(strcmp(err.provider, "anthropic") == 0);
    /* one line: no control characters survive into the message */
    for (const unsigned char *p = (const unsigned char *)err.message; *p; p++)
        CHECK(*p >= 0x20 && *p != 0x7f);
    return 0;
}
