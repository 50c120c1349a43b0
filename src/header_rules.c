/* SPDX-License-Identifier: MIT */
/*
 * header_rules.c — the one rule for headers a caller adds (llmc_request_set_header,
 * ANTHROPIC_CUSTOM_HEADERS, llmc_batch_add_header and so the CLI's -H): a name must be an HTTP
 * token; headers that carry credentials are refused (keys come from the credential chain only),
 * and so are the ones that frame or route the request (Host, Content-Length, Transfer-Encoding,
 * the hop-by-hop set), which would let a value smuggle a second request or send the key to
 * another virtual host; a value may hold no control byte (CR and LF would split the header).
 * Refusals never quote a value, nor a name that is not in the lists: either may be a key.
 */
#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const credential_headers[] = {
    "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", NULL};

/* Set by libcurl from the request itself; a second value makes the message ambiguous. */
static const char *const framing_headers[] = {
    "host",    "content-length", "transfer-encoding", "connection",     "upgrade", "keep-alive", "te",
    "trailer", "expect",         "proxy-connection",  "http2-settings", NULL};

static const char *listed(const char *name, size_t len, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == len && strncasecmp(name, list[i], len) == 0)
            return list[i];
    return NULL;
}

bool llmc_header_check(const char *name, size_t name_len, const char *value, char *why, size_t why_size)
{
    char scratch[8];
    if (!why) {
        why = scratch;
        why_size = sizeof scratch;
    }
    if (name_len == 0 || name_len > 128) {
        snprintf(why, why_size, "a header name is 1 to 128 characters");
        return false;
    }
    for (size_t i = 0; i < name_len; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("!#$%&'*+-.^_`|~", name[i])) {
            snprintf(why, why_size,
                     "a header name holds only letters, digits and !#$%%&'*+-.^_`|~ (character %zu "
                     "is not one)",
                     i + 1);
            return false;
        }
    const char *hit = listed(name, name_len, credential_headers);
    if (hit) {
        snprintf(why, why_size,
                 "refused the header %s: keys come from the credential chain (the provider's variable, "
                 "<VAR>_FILE, a key command or the key store), never from headers",
                 hit);
        return false;
    }
    if ((hit = listed(name, name_len, framing_headers))) {
        snprintf(why, why_size,
                 "refused the header %s: llmc sets it from the request itself (another value "
                 "could reroute or split the request)",
                 hit);
        return false;
    }
    for (size_t i = 0; value && value[i]; i++) {
        unsigned char ch = (unsigned char)value[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            snprintf(why, why_size, "a header's value holds a control character (byte 0x%02x at position %zu)", ch,
                     i + 1);
            return false;
        }
    }
    return true;
}
