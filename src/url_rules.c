/* SPDX-License-Identifier: MIT */
/*
 * url_rules.c — credentials never ride in a URL. A base URL written `https://user:pass@host`
 * would make libcurl send Basic authentication beside the key, and the password would show
 * wherever the URL does (errors, -v, doctor); such URLs are refused, and every URL llmc shows is
 * first stripped of anything before an '@' in its authority. Nothing here prints a password.
 */
#include "transport.h"

#include <stdio.h>
#include <string.h>

/* The authority of `url`: after "scheme://", up to the first '/', '?' or '#'. NULL when the text
 * has no "://" at all. */
static const char *authority(const char *url, size_t *len)
{
    const char *start = strstr(url, "://");
    if (!start)
        return NULL;
    start += 3;
    *len = strcspn(start, "/?#");
    return start;
}

void llmc_url_redact(const char *url, char *out, size_t size)
{
    size_t alen = 0;
    const char *auth = url ? authority(url, &alen) : NULL;
    const char *at = NULL;
    for (size_t i = 0; auth && i < alen; i++)
        if (auth[i] == '@')
            at = auth + i;
    if (!url)
        snprintf(out, size, "%s", "");
    else if (at)
        snprintf(out, size, "%.*s[credentials removed]%s", (int)(auth - url), url, at);
    else
        snprintf(out, size, "%s", url);
}

llmc_code llmc_url_refuse_credentials(const char *url, llmc_error *err)
{
    size_t alen = 0;
    const char *auth = url ? authority(url, &alen) : NULL;
    if (!auth || !memchr(auth, '@', alen))
        return LLMC_OK;
    char shown[600];
    llmc_url_redact(url, shown, sizeof shown);
    return llmc_error_set(err, LLMC_E_CONFIG,
                          "refused the URL %.500s: it holds a user name or password before the host, which would be "
                          "sent as HTTP Basic authentication and show wherever the URL does; remove it (keys come "
                          "from the credential chain)",
                          shown);
}
