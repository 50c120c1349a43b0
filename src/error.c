/* SPDX-License-Identifier: MIT */
/*
 * error.c — result codes and the caller-owned llmc_error: messages for codes (a switch with no
 * default, so the compiler names any code left without one), status-to-code mapping, setters.
 */
#include "util.h"
#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

const char *llmc_version(void)
{
    return LLMC_VERSION_STRING;
}

unsigned llmc_version_num(void)
{
    return LLMC_VERSION_NUM;
}

const char *llmc_strerror(llmc_code code)
{
    switch (code) {
    case LLMC_OK:
        return "no error";
    case LLMC_E_INVALID_ARG:
        return "invalid argument";
    case LLMC_E_NOMEM:
        return "out of memory";
    case LLMC_E_CONFIG:
        return "configuration error";
    case LLMC_E_KEY:
        return "no usable API key";
    case LLMC_E_AUTH:
        return "authentication failed: the provider rejected the API key";
    case LLMC_E_PERMISSION:
        return "permission denied: the key is not allowed to do this";
    case LLMC_E_BAD_REQUEST:
        return "the provider refused the request";
    case LLMC_E_NOT_FOUND:
        return "not found";
    case LLMC_E_RATE_LIMIT:
        return "rate limited";
    case LLMC_E_SERVER:
        return "the provider had an internal error";
    case LLMC_E_OVERLOADED:
        return "the provider is overloaded";
    case LLMC_E_TRANSPORT:
        return "network error";
    case LLMC_E_TIMEOUT:
        return "timed out";
    case LLMC_E_PROTOCOL:
        return "malformed response from the provider";
    case LLMC_E_INSECURE:
        return "refused: the key would not be protected";
    case LLMC_E_ABORTED:
        return "aborted";
    case LLMC_E_LIMIT:
        return "a size limit was exceeded";
    case LLMC_E_IO:
        return "local input/output error";
    case LLMC_E_FORMAT:
        return "the reply is not in the requested format";
    case LLMC_E_UNSUPPORTED:
        return "the provider does not offer this";
    }
    return "unknown error code";
}

const char *llmc_code_name(llmc_code code)
{
    switch (code) {
    case LLMC_OK:
        return "LLMC_OK";
    case LLMC_E_INVALID_ARG:
        return "LLMC_E_INVALID_ARG";
    case LLMC_E_NOMEM:
        return "LLMC_E_NOMEM";
    case LLMC_E_CONFIG:
        return "LLMC_E_CONFIG";
    case LLMC_E_KEY:
        return "LLMC_E_KEY";
    case LLMC_E_AUTH:
        return "LLMC_E_AUTH";
    case LLMC_E_PERMISSION:
        return "LLMC_E_PERMISSION";
    case LLMC_E_BAD_REQUEST:
        return "LLMC_E_BAD_REQUEST";
    case LLMC_E_NOT_FOUND:
        return "LLMC_E_NOT_FOUND";
    case LLMC_E_RATE_LIMIT:
        return "LLMC_E_RATE_LIMIT";
    case LLMC_E_SERVER:
        return "LLMC_E_SERVER";
    case LLMC_E_OVERLOADED:
        return "LLMC_E_OVERLOADED";
    case LLMC_E_TRANSPORT:
        return "LLMC_E_TRANSPORT";
    case LLMC_E_TIMEOUT:
        return "LLMC_E_TIMEOUT";
    case LLMC_E_PROTOCOL:
        return "LLMC_E_PROTOCOL";
    case LLMC_E_INSECURE:
        return "LLMC_E_INSECURE";
    case LLMC_E_ABORTED:
        return "LLMC_E_ABORTED";
    case LLMC_E_LIMIT:
        return "LLMC_E_LIMIT";
    case LLMC_E_IO:
        return "LLMC_E_IO";
    case LLMC_E_FORMAT:
        return "LLMC_E_FORMAT";
    case LLMC_E_UNSUPPORTED:
        return "LLMC_E_UNSUPPORTED";
    }
    return "LLMC_E_UNKNOWN";
}

const char *llmc_key_source_name(llmc_key_source source)
{
    switch (source) {
    case LLMC_SOURCE_NONE:
        return "none";
    case LLMC_SOURCE_EXPLICIT:
        return "explicit";
    case LLMC_SOURCE_ENV:
        return "env";
    case LLMC_SOURCE_FILE:
        return "file";
    case LLMC_SOURCE_COMMAND:
        return "command";
    case LLMC_SOURCE_STORE:
        return "store";
    }
    return "unknown";
}

void llmc_error_clear(llmc_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->retry_after = -1;
    llmc_rate_limits_none(&err->rate_limits);
}

llmc_code llmc_error_set(llmc_error *err, llmc_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

llmc_code llmc_code_for_status(long status)
{
    if (status >= 200 && status < 300)
        return LLMC_OK;
    switch (status) {
    case 401:
        return LLMC_E_AUTH;
    case 403:
        return LLMC_E_PERMISSION;
    case 404:
        return LLMC_E_NOT_FOUND;
    case 408:
        return LLMC_E_TIMEOUT;
    case 429:
        return LLMC_E_RATE_LIMIT;
    case 529:
        return LLMC_E_OVERLOADED;
    default:
        break;
    }
    if (status >= 300 && status < 400)
        return LLMC_E_INSECURE; /* redirects are refused: they would carry the key elsewhere */
    if (status >= 400 && status < 500)
        return LLMC_E_BAD_REQUEST;
    if (status >= 500)
        return LLMC_E_SERVER;
    return LLMC_E_PROTOCOL;
}
