/* SPDX-License-Identifier: MIT */
/*
 * inspect.c — looking at keys without making a call: llmc_client_inspect_key (every source of
 * the chain, the winner and what it shadows) and llmc_client_validate (one cheap authenticated
 * GET of the models list, whose verdict also marks stored keys verified or rejected).
 */
#include "transport.h"

#include <string.h>

llmc_code llmc_client_inspect_key(llmc_client *c, const char *provider, llmc_key_report *report)
{
    if (!report)
        return LLMC_E_INVALID_ARG;
    memset(report, 0, sizeof *report);
    llmc_error_clear(&report->result);
    if (!c || !provider)
        return llmc_error_set(&report->result, LLMC_E_INVALID_ARG, "client and provider must not be NULL");
    llmc_endpoint *ep = llmc_endpoint_named(c, provider, &report->result);
    if (!ep)
        return LLMC_E_CONFIG;
    llmc_strlcpy(report->provider, ep->name, sizeof report->provider);
    /* a variable may hold "https://user:pass@host": the report shows where, never the password */
    llmc_url_redact(llmc_endpoint_base_url(ep), report->base_url, sizeof report->base_url);
    llmc_credential_inspect(ep, c->use_store, report);
    return LLMC_OK;
}

llmc_code llmc_client_validate(llmc_client *c, const char *provider, llmc_error *err)
{
    llmc_error_clear(err);
    if (!c || !provider)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client and provider must not be NULL");
    llmc_endpoint *ep = llmc_endpoint_named(c, provider, err);
    if (!ep)
        return LLMC_E_CONFIG;
    llmc_call call;
    llmc_http_response resp = {0};
    llmc_code rc = llmc_call_get(c, ep, ep->info.models_path, true, &call, &resp, err);
    if (rc == LLMC_OK) {
        if (call.cred.source == LLMC_SOURCE_STORE)
            llmc_store_mark(ep->name, call.cred.store_label, true);
        llmc_logf(&c->log, LLMC_LOG_INFO, "%s key from %s %s (%s) is accepted", ep->name,
                  llmc_key_source_name(call.cred.source), call.cred.source_name, call.cred.fingerprint);
    } else if (resp.status == 401 && call.cred.source == LLMC_SOURCE_STORE) {
        llmc_store_mark(ep->name, call.cred.store_label, false);
    }
    llmc_http_response_free(&resp);
    llmc_call_finish(&call, err);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    return rc;
}
