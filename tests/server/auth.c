/* SPDX-License-Identifier: MIT */
/* Authentication as each service performs it: which header carries the key, what a missing,
 * unknown, revoked or forbidden key gets. Revoked keys are answered exactly like unknown ones,
 * because the real services do not tell them apart. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <string.h>
#include <strings.h>

/* The token after "Bearer ", or NULL when the header is absent or another scheme. */
static const char *bearer(const emu_request *rq)
{
    const char *h = req_header(rq, "authorization");
    if (!h)
        return NULL;
    if (strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    return h + 7;
}

int auth_check(emu_reply *r, const emu_request *rq)
{
    const char *key;
    if (rq->provider == EMU_ANTHROPIC) {
        key = req_header(rq, "x-api-key");
        if (!key)
            key = bearer(rq); /* ANTHROPIC_AUTH_TOKEN is sent as a bearer token */
    } else {
        key = bearer(rq);
    }
    if (!key) {
        error_missing_key(r, rq);
        return -1;
    }
    if (rq->provider == EMU_ANTHROPIC && !req_header(rq, "anthropic-version")) {
        error_reply(r, rq, 400, "anthropic-version: header is required");
        return -1;
    }
    switch (keys_lookup(rq->provider, key)) {
    case EMU_KEY_VALID:
        return 0;
    case EMU_KEY_FORBIDDEN:
        error_forbidden(r, rq);
        return -1;
    case EMU_KEY_REVOKED:
    case EMU_KEY_UNKNOWN:
        break;
    }
    error_bad_key(r, rq, key);
    return -1;
}
