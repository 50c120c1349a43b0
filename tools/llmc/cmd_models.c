/* SPDX-License-Identifier: MIT */
/*
 * cmd_models.c — `llmc models [PROVIDER…] [--json]`: the models each provider offers, as the
 * model strings llmc takes ("provider/id"), one a line — or every configured provider's when
 * none is named.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static bool provider_has_key(llmc_client *client, const char *provider)
{
    llmc_key_report report;
    return llmc_client_inspect_key(client, provider, &report) == LLMC_OK && report.result.code == LLMC_OK;
}

int cmd_models(int argc, char **argv)
{
    bool json = false;
    const char *named[16];
    int n_named = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf(
                "usage: llmc models [PROVIDER...] [--json]\n\nList the models each provider offers as model "
                "strings (provider/id).\nWithout PROVIDER: every provider that has a key.\n");
            return EXIT_OK;
        } else if (argv[i][0] == '-' || n_named == 16) {
            char shown[96];
            if (n_named == 16)
                return cli_usage_error("models", "at most 16 providers at once");
            return cli_usage_error("models", "unknown option %s", cli_shown(argv[i], shown, sizeof shown));
        } else
            named[n_named++] = argv[i];
    }
    llmc_client *client = llmc_client_new();
    llmc_error err;
    llmc_error_clear(&err);
    if (!client)
        return EXIT_OTHER;
    int exit_code = EXIT_OK;
    if (llmc_client_load_config(client, NULL, &err) != LLMC_OK) {
        cli_report_error(NULL, &err);
        llmc_client_free(client);
        return EXIT_REQUEST;
    }
    const char *all[32];
    int n_all = 0;
    if (n_named) {
        for (int i = 0; i < n_named; i++)
            all[n_all++] = named[i];
    } else {
        for (size_t i = 0; llmc_client_provider_at(client, i) && n_all < 32; i++)
            if (provider_has_key(client, llmc_client_provider_at(client, i)))
                all[n_all++] = llmc_client_provider_at(client, i);
        if (!n_all) {
            fprintf(stderr,
                    "llmc: error: no provider has a key; name one (llmc models anthropic) to see why, "
                    "or run `llmc doctor`\n");
            llmc_client_free(client);
            return EXIT_AUTH;
        }
    }
    json_t *out = json ? json_array() : NULL;
    for (int p = 0; p < n_all; p++) {
        llmc_model_info *models = NULL;
        size_t count = 0;
        llmc_code rc = llmc_models_list(client, all[p], &models, &count, &err);
        if (rc != LLMC_OK) {
            cli_report_error(all[p], &err);
            exit_code = cli_exit_code(rc);
            continue;
        }
        if (err.message[0]) /* a list that may be incomplete */
            fprintf(stderr, "llmc: warning: %s\n", err.message);
        for (size_t i = 0; i < count; i++) {
            if (json)
                json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:s}", "provider", all[p], "id",
                                                     models[i].id, "display_name", models[i].display_name, "owned_by",
                                                     models[i].owned_by, "created", models[i].created));
            else
                printf("%s/%s\n", all[p], models[i].id);
        }
        llmc_free(models);
    }
    if (json) {
        char *text = json_dumps(out, JSON_INDENT(2));
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(out);
    }
    llmc_client_free(client);
    return exit_code;
}
