/* SPDX-License-Identifier: MIT */
/*
 * prices.c — what an exchange cost: the price of a model (a [price MODEL] section of the config
 * file first, then the built-in table data/prices.tsv) applied to the usage the provider
 * reported. A model without a price has no cost rather than a guessed one.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

extern const char cli_prices_tsv[];

static bool parse_price(const char *text, double *out)
{
    if (strcmp(text, "-") == 0) {
        *out = 0;
        return true;
    }
    char *end;
    *out = strtod(text, &end);
    return end != text && (*end == '\0' || *end == '\t' || *end == '\n');
}

/* The table line for exactly `model`, or with `prefix_ok` the longest one that `model` starts
 * with followed by '-' (a dated snapshot such as claude-sonnet-4-5-20250929). */
static bool table_find(const char *model, bool prefix_ok, cli_price *out)
{
    size_t best = 0;
    for (const char *line = cli_prices_tsv; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        if (len < sizeof buf && line[0] != '#' && len > 0) {
            memcpy(buf, line, len);
            buf[len] = '\0';
            char *fields[5];
            int n = 0;
            for (char *save = NULL, *f = strtok_r(buf, "\t", &save); f && n < 5; f = strtok_r(NULL, "\t", &save))
                fields[n++] = f;
            size_t klen = n == 5 ? strlen(fields[0]) : 0;
            bool match = klen && (strcmp(fields[0], model) == 0 ||
                                  (prefix_ok && strncmp(model, fields[0], klen) == 0 && model[klen] == '-'));
            cli_price p;
            if (match && klen > best && parse_price(fields[1], &p.input) && parse_price(fields[2], &p.output) &&
                parse_price(fields[3], &p.cache_write) && parse_price(fields[4], &p.cache_read)) {
                best = klen;
                snprintf(p.source, sizeof p.source, "the built-in price table (%s)", fields[0]);
                *out = p;
            }
        }
        line += len + (end ? 1 : 0);
    }
    return best > 0;
}

static bool config_find(llmc_client *client, const char *model, cli_price *out)
{
    const char *in = llmc_client_config_value(client, "price", model, "input");
    const char *outp = llmc_client_config_value(client, "price", model, "output");
    if (!in && !outp)
        return false;
    const char *cw = llmc_client_config_value(client, "price", model, "cache_write");
    const char *cr = llmc_client_config_value(client, "price", model, "cache_read");
    /* the library checked that each is a number */
    out->input = in ? strtod(in, NULL) : 0;
    out->output = outp ? strtod(outp, NULL) : 0;
    out->cache_write = cw ? strtod(cw, NULL) : 0;
    out->cache_read = cr ? strtod(cr, NULL) : 0;
    snprintf(out->source, sizeof out->source, "[price %.40s] in the config file", model);
    return true;
}

bool cli_price_find(llmc_client *client, const char *model, const char *provider, const char *served_model,
                    cli_price *out)
{
    char served[320] = "";
    if (provider && *provider && served_model && *served_model)
        snprintf(served, sizeof served, "%s/%s", provider, served_model);
    if (client && model && config_find(client, model, out))
        return true;
    if (client && served[0] && config_find(client, served, out))
        return true;
    return (model && table_find(model, false, out)) || (served[0] && table_find(served, false, out)) ||
           (model && table_find(model, true, out)) || (served[0] && table_find(served, true, out));
}

double cli_cost(const cli_price *p, const cli_tokens *u)
{
    /* Anthropic counts cache reads and writes apart from input_tokens; OpenAI-compatible
     * providers count cached tokens inside prompt_tokens, so they come out of the input. */
    double plain_input = (double)u->input_tokens;
    if (u->input_includes_cache)
        plain_input -= (double)(u->cache_read_tokens + u->cache_write_tokens);
    if (plain_input < 0)
        plain_input = 0;
    return (plain_input * p->input + (double)u->output_tokens * p->output +
            (double)u->cache_write_tokens * p->cache_write + (double)u->cache_read_tokens * p->cache_read) /
           1e6;
}

cli_tokens cli_usage_of(const llmc_response *resp)
{
    llmc_usage u = llmc_response_usage(resp);
    cli_tokens out = {u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens,
                      strcmp(llmc_response_provider(resp), "anthropic") != 0};
    return out;
}

void cli_format_cost(char *buf, size_t size, double cost)
{
    if (cost < 0)
        snprintf(buf, size, "?");
    else if (cost == 0)
        snprintf(buf, size, "$0");
    else if (cost < 0.01)
        snprintf(buf, size, "$%.6f", cost);
    else
        snprintf(buf, size, "$%.4f", cost);
}
