/* SPDX-License-Identifier: MIT */
/*
 * catalogue.c — the cause catalogue of DESIGN §5 as one table of data: one page per cause, the
 * sections of an error page (why, detection, fix, workaround, prevention, broken vs fixed).
 * Library errors, `llmc explain`, `llmc doctor` and the docs all read this table. Texts are
 * provider-neutral paragraphs: an error's own fix, naming the provider, its variables and the source
 * found, is written by fix.c; the lookups are in cause_lookup.c.
 */
#include "llmc/llmc.h"

#include <string.h>

/*
 * The table is ordered by enum value (entry i describes cause i + 1) so that get() is an index;
 * a test checks the order, and get() still verifies the match so a misordering fails safe.
 */
static const llmc_cause_info catalogue[] = {
    {
        .cause = LLMC_CAUSE_KEY_MISSING,
        .id = "key.missing",
        .title = "No API key was found for the provider",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "No source in the credential chain produced a key: no explicit key, no environment "
               "variable (each provider has its own, such as ANTHROPIC_API_KEY; `llmc doctor` names them), "
               "no <VAR>_FILE, no key command and nothing in the key store. Typically the variable "
               "was exported in another shell, lives in a .env file nothing loaded, or is set for "
               "interactive shells but not for the service, cron job or container that runs the code.",
        .detection = "Before sending anything llmc walks the whole chain (explicit key, environment, "
                     "<VAR>_FILE, key command, $XDG_CONFIG_HOME/llmc/keys) and finds nothing, so no request "
                     "is made. If a variable with a similar name is set, key.var_misspelled is reported "
                     "instead.",
        .fix = "Store a key with `llmc keys set` and the provider's name (read with echo off, kept 0600), "
               "or export the provider's variable in the environment the program runs in.",
        .workaround = "Give the key to one run only: `ANTHROPIC_API_KEY=\"$(pass show anthropic)\" llmc ...`, "
                      "or pass it from code with llmc_client_set_key(). `llmc doctor` lists every place "
                      "llmc looked.",
        .prevention = "Keep keys in the key store or a password manager wired in as a key command rather "
                      "than in shell profiles; mount secrets into containers and point <VAR>_FILE at them; "
                      "run `llmc keys check` when deploying so a missing key fails the deploy, not the first "
                      "request.",
        .broken_shell = "$ unset ANTHROPIC_API_KEY\n"
                        "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
                        "error: no API key for anthropic (key.missing)",
        .fixed_shell = "$ llmc keys set anthropic\n"
                       "Key for anthropic (input hidden):\n"
                       "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'",
        .broken_c = "llmc_client *c = llmc_client_new();\n"
                    "char *text = NULL;\n"
                    "llmc_error err;\n"
                    "/* nothing configured: LLMC_E_KEY, cause key.missing */\n"
                    "llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);",
        .fixed_c = "llmc_client *c = llmc_client_new();\n"
                   "char *text = NULL;\n"
                   "llmc_error err;\n"
                   "/* the key comes from your own secret source */\n"
                   "llmc_client_set_key(c, \"anthropic\", my_secret(\"anthropic\"), &err);\n"
                   "if (llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err) != LLMC_OK)\n"
                   "    fprintf(stderr, \"%s\\nfix: %s\\n\", err.message, err.diagnosis.fix);",
    },
    {
        .cause = LLMC_CAUSE_KEY_VAR_MISSPELLED,
        .id = "key.var_misspelled",
        .title = "The key is set in a variable with the wrong name",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "The key was exported under a name that neither llmc nor the official SDKs read: "
               "ANTHROPIC_KEY, CEREBRAS_APIKEY, FIREWORKS_AI_API_KEY, CLAUDE_API_KEY, a typo such as "
               "ANTHORPIC_API_KEY, or the right name in lower case (variable names are case- "
               "sensitive). The variable that is read stays unset, so the client has no key.",
        .detection = "When no source gives a key, llmc scans the environment for names close to the "
                     "expected one: known variants, an edit distance of at most two, or the same name in "
                     "another case. Only names are compared and reported; values are never read into a "
                     "message.",
        .fix = "Rename the variable to the one llmc reads (the error names both), e.g. "
               "`export ANTHROPIC_API_KEY=\"$ANTHROPIC_KEY\"; unset ANTHROPIC_KEY`.",
        .workaround = "Copy the value across for a single run: `ANTHROPIC_API_KEY=\"$ANTHROPIC_KEY\" llmc ...`, "
                      "or read the misspelled variable in your code and pass it to llmc_client_set_key().",
        .prevention = "Define each variable in one place (a .env template, the deployment manifest) with "
                      "the exact documented name. `llmc doctor` lists the near-miss names it sees; run it "
                      "after changing your setup.",
        .broken_shell = "$ export CEREBRAS_APIKEY=csk-...\n"
                        "$ llmc -m cerebras/gpt-oss-120b 'Hello'\n"
                        "error: no API key for cerebras; CEREBRAS_APIKEY is set (key.var_misspelled)",
        .fixed_shell = "$ export CEREBRAS_API_KEY=\"$CEREBRAS_APIKEY\"\n"
                       "$ unset CEREBRAS_APIKEY\n"
                       "$ llmc -m cerebras/gpt-oss-120b 'Hello'",
        .broken_c = "/* the deployment sets FIREWORKS_AI_API_KEY, which llmc never reads */\n"
                    "llmc_client *c = llmc_client_new();\n"
                    "rc = llmc_generate(c, \"fireworks/accounts/fireworks/models/gpt-oss-120b\",\n"
                    "                   \"Hello\", &text, &err);  /* LLMC_E_KEY */",
        .fixed_c = "/* the deployment sets FIREWORKS_API_KEY; or pass the key yourself: */\n"
                   "llmc_client *c = llmc_client_new();\n"
                   "llmc_client_set_key(c, \"fireworks\", getenv(\"FIREWORKS_AI_API_KEY\"), &err);\n"
                   "rc = llmc_generate(c, \"fireworks/accounts/fireworks/models/gpt-oss-120b\",\n"
                   "                   \"Hello\", &text, &err);",
    },
    {
        .cause = LLMC_CAUSE_KEY_EMPTY,
        .id = "key.empty",
        .title = "The key is set but empty",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "The source exists but holds nothing, or only whitespace or quotes: `export "
               "ANTHROPIC_API_KEY=` in a profile, a .env line without a value, a CI secret this job "
               "may not see (forked pull requests get empty secrets), a command substitution that "
               "failed quietly such as $(cat missing-file), or a <VAR>_FILE that points at an empty "
               "file. Some SDKs send the empty value and get a 401 that looks like a bad key.",
        .detection = "Every value is checked the moment it is read, before any other check; an empty or "
                     "blank value stops the request and the error names the source that gave it.",
        .fix = "Put the key into the source the error names, or unset that empty variable and store "
               "the key with `llmc keys set` and the provider's name.",
        .workaround = "Run once without the empty variable so another source is used: "
                      "`env -u ANTHROPIC_API_KEY llmc ...`.",
        .prevention = "Make scripts stop early with `: \"${ANTHROPIC_API_KEY:?is not set}\"`; let CI jobs that "
                      "need a key skip when the secret is unavailable; check keys at start-up with "
                      "`llmc keys check`.",
        .broken_shell = "$ export FIREWORKS_API_KEY=\"$(cat ~/fw-key.txt)\"   # file missing\n"
                        "$ llmc -m fireworks/accounts/fireworks/models/gpt-oss-120b 'Hello'\n"
                        "error: FIREWORKS_API_KEY is set but empty (key.empty)",
        .fixed_shell = "$ unset FIREWORKS_API_KEY\n"
                       "$ llmc keys set fireworks\n"
                       "$ llmc -m fireworks/accounts/fireworks/models/gpt-oss-120b 'Hello'",
        .broken_c = "const char *key = getenv(\"OPENAI_API_KEY\");   /* \"\" */\n"
                    "llmc_client_set_key(c, \"openai\", key, &err);\n"
                    "llmc_generate(c, \"openai/gpt-5.4-mini\", \"Hello\", &text, &err);  /* key.empty */",
        .fixed_c = "const char *key = getenv(\"OPENAI_API_KEY\");\n"
                   "if (key == NULL || *key == '\\0') {\n"
                   "    fputs(\"OPENAI_API_KEY is empty; run `llmc keys set openai`\\n\", stderr);\n"
                   "    return 1;\n"
                   "}\n"
                   "llmc_client_set_key(c, \"openai\", key, &err);",
    },
    {
        .cause = LLMC_CAUSE_KEY_WHITESPACE,
        .id = "key.whitespace",
        .title = "The key has whitespace or a line break around it",
        .severity = LLMC_SEVERITY_WARNING,
        .http_status = 0,
        .why = "Copying a key from a web page, terminal or editor often brings a trailing line break, "
               "a Windows \\r\\n or leading spaces, and `echo KEY > file` or an editor adds a final "
               "newline to key files. Servers compare keys byte for byte, so clients that send the "
               "padded value get a 401 that looks exactly like a wrong key.",
        .detection = "llmc strips spaces, tabs, \\r and \\n (also a no-break space, a zero-width space or a "
                     "byte-order mark) at either end before use and warns which characters it removed and "
                     "where, never showing the key. The request goes ahead with the stripped key.",
        .fix = "Remove the stray characters from the source (write key files with `printf %s`, not "
               "echo) or store the key again with `llmc keys set` and the provider's name.",
        .workaround = "Nothing is needed for llmc, which already sent the stripped key; other tools that "
                      "read the same variable or file will still fail until the source is cleaned.",
        .prevention = "Create key files with `printf %s \"$KEY\" > file` or `llmc keys set`, which trims "
                      "input; save secret files without a final newline; check with `llmc keys check`.",
        .broken_shell = "$ echo 'sk-ant-api03-...' > /run/secrets/anthropic      # echo adds \\n\n"
                        "$ export ANTHROPIC_API_KEY_FILE=/run/secrets/anthropic\n"
                        "warning: the key from ANTHROPIC_API_KEY_FILE ends with a line break (\\n); stripped",
        .fixed_shell = "$ printf %s 'sk-ant-api03-...' > /run/secrets/anthropic\n"
                       "$ export ANTHROPIC_API_KEY_FILE=/run/secrets/anthropic\n"
                       "$ llmc keys check anthropic",
        .broken_c = "char key[256];\n"
                    "fgets(key, sizeof key, f);                     /* keeps the '\\n' */\n"
                    "llmc_client_set_key(c, \"anthropic\", key, &err); /* key.whitespace warning */",
        .fixed_c = "char key[256];\n"
                   "if (fgets(key, sizeof key, f) != NULL) {\n"
                   "    key[strcspn(key, \"\\r\\n\")] = '\\0';\n"
                   "    llmc_client_set_key(c, \"anthropic\", key, &err);\n"
                   "}",
    },
    {
        .cause = LLMC_CAUSE_KEY_QUOTED,
        .id = "key.quoted",
        .title = "The key is wrapped in quotes",
        .severity = LLMC_SEVERITY_WARNING,
        .http_status = 0,
        .why = "Quotes meant for a shell or a .env parser ended up inside the value: docker run "
               "--env-file keeps them literally, some .env loaders do too, a YAML or JSON value may be "
               "quoted twice, and text pasted from a document or chat often carries curly quotes "
               "(U+201C/U+201D, U+2018/U+2019). The server then receives the quotes as part of the key.",
        .detection = "A value that starts and ends with the same quote (\", ', `), with curly quotes, or has "
                     "a lone quote at one end is stripped of them with a warning; no provider's key contains "
                     "a quote character. The request goes ahead with the unquoted key.",
        .fix = "Remove the quotes from the value where it is defined (e.g. write "
               "`ANTHROPIC_API_KEY=sk-ant-...` in a Docker --env-file, without quotes).",
        .workaround = "Nothing is needed for llmc, which sent the key without the quotes; other tools that "
                      "read the same value may still fail.",
        .prevention = "Know what your loader does with quotes (a shell removes them, docker --env-file does "
                      "not); never move keys through a word processor; `llmc keys set` avoids the question.",
        .broken_shell = "$ cat app.env\n"
                        "CEREBRAS_API_KEY=\"csk-...\"\n"
                        "$ docker run --env-file app.env myimage llmc -m cerebras/gpt-oss-120b 'Hi'\n"
                        "warning: the key from CEREBRAS_API_KEY is wrapped in double quotes; stripped",
        .fixed_shell = "$ cat app.env\n"
                       "CEREBRAS_API_KEY=csk-...\n"
                       "$ docker run --env-file app.env myimage llmc -m cerebras/gpt-oss-120b 'Hi'",
        .broken_c = "/* value copied from a config file together with its quotes */\n"
                    "llmc_client_set_key(c, \"cerebras\", \"\\\"csk-...\\\"\", &err);  /* key.quoted */",
        .fixed_c = "/* let the config parser remove the quotes; pass only the key */\n"
                   "llmc_client_set_key(c, \"cerebras\", config_string(cfg, \"cerebras_key\"), &err);",
    },
    {
        .cause = LLMC_CAUSE_KEY_MALFORMED,
        .id = "key.malformed",
        .title = "The key contains characters or has a length no key can have",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why =
            "Inner spaces or line breaks (two values pasted together, a key wrapped over two lines), "
            "escapes copied literally out of a JSON or shell string (\\n, \\u2013), template "
            "characters ($, { and }), control characters, non-ASCII characters (a dash, quote or space that a word processor "
            "or chat app substituted) or an impossible length (a truncated paste, a whole file). "
            "Such bytes in an HTTP header could also split it, so the key is refused, not sent.",
        .detection = "After outer whitespace and quotes are stripped, every byte must be printable ASCII "
                     "with no inner whitespace, the length must be 8 to 512, and for providers whose "
                     "keys have a known alphabet every character must be in it: a literal \\n or \\u "
                     "escape copied out of JSON, a $ or a brace is refused and named. The error says "
                     "which character and where, never the key. A key with its provider's prefix but an "
                     "unusual length or ending (cut short?) is only a warning, because key formats change.",
        .fix = "Copy the key again in one piece from the provider's console and store it with "
               "`llmc keys set` and the provider's name; the error names the offending character.",
        .workaround = "Use another known-good key (set explicitly, or stored) while you fetch a clean copy; "
                      "`llmc keys check` tests each stored key.",
        .prevention = "Copy keys with the console's copy button straight into a terminal prompt, never "
                      "through documents or chat that rewrite characters; `llmc keys set` checks the shape "
                      "at once.",
        .broken_shell = "$ export ANTHROPIC_API_KEY='sk-ant-api03-abc...\n"
                        "> def...'                       # wrapped over two lines\n"
                        "error: the key from ANTHROPIC_API_KEY contains a line break (\\n) (key.malformed)",
        .fixed_shell = "$ llmc keys set anthropic        # paste the key in one piece\n"
                       "$ llmc keys check anthropic",
        .broken_c = "/* a word processor turned '-' into an en dash (U+2013) */\n"
                    "llmc_client_set_key(c, \"anthropic\", \"sk\\u2013ant-api03-...\", &err);  /* refused */",
        .fixed_c = "/* read the key from where it is kept, byte for byte */\n"
                   "llmc_client_set_key(c, \"anthropic\", key_from_vault, &err);\n"
                   "if (err.code == LLMC_E_KEY)\n"
                   "    fprintf(stderr, \"%s: %s\\n\", err.diagnosis.detail, err.diagnosis.fix);",
    },
    {
        .cause = LLMC_CAUSE_KEY_PLACEHOLDER,
        .id = "key.placeholder",
        .title = "The key is a placeholder, not a real key",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "The value is sample text that was never replaced: your_api_key_here, <YOUR_KEY>, "
               "sk-..., wrong_key, changeme, xxxx, a masked key copied from a console (asterisks or "
               "dots in the middle), or a reference that was never expanded, such as "
               "$ANTHROPIC_API_KEY or ${API_KEY} (single quotes in a shell, or a .env loader that "
               "does not expand variables).",
        .detection = "The cleaned value is compared, ignoring case, with known placeholder words and "
                     "patterns: it contains \"your\" and \"key\", is one repeated character (after any key "
                     "prefix), contains \"...\", an ellipsis or asterisks, is wrapped in <>, or is a $VAR, "
                     "${VAR}, $(...), %VAR% or {{ }} reference. Real keys are random and never match.",
        .fix = "Replace the placeholder with your real key from the provider's console, e.g. with "
               "`llmc keys set` and the provider's name, and remove the sample value from .env or your "
               "config.",
        .workaround = "Set the real key for one run (`ANTHROPIC_API_KEY=... llmc ...`, or "
                      "llmc_client_set_key()); the placeholder is harmless meanwhile, llmc never sends it.",
        .prevention = "Ship .env.example files with empty values instead of fake ones, keep the real .env "
                      "out of version control, and run `llmc doctor` after copying a template.",
        .broken_shell = "$ export CEREBRAS_API_KEY=your_api_key_here\n"
                        "$ llmc -m cerebras/gpt-oss-120b 'Hello'\n"
                        "error: the key from CEREBRAS_API_KEY is a placeholder (key.placeholder)",
        .fixed_shell = "$ llmc keys set cerebras        # paste the real csk-... key\n"
                       "$ unset CEREBRAS_API_KEY\n"
                       "$ llmc -m cerebras/gpt-oss-120b 'Hello'",
        .broken_c = "llmc_client_set_key(c, \"cerebras\", \"wrong_or_missing_key\", &err);\n"
                    "rc = llmc_generate(c, \"cerebras/gpt-oss-120b\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_KEY, cause key.placeholder: nothing was sent */",
        .fixed_c = "/* no hard-coded key: llmc reads CEREBRAS_API_KEY or the key store */\n"
                   "rc = llmc_generate(c, \"cerebras/gpt-oss-120b\", \"Hello\", &text, &err);\n"
                   "if (rc == LLMC_OK) { puts(text); llmc_free(text); }",
    },
    {
        .cause = LLMC_CAUSE_KEY_WRONG_PROVIDER,
        .id = "key.wrong_provider",
        .title = "The key belongs to another provider",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "Each provider accepts only the keys it issued. With several providers in one project "
               "it is easy to put one provider's key into another's variable. Key prefixes give it "
               "away (`llmc doctor` names the provider a key's prefix belongs to). The right "
               "provider's wrong kind of key is the same mistake: an admin key opens only the admin "
               "API, and a subscription's OAuth token is not an API key.",
        .detection = "llmc compares the key's prefix with the provider the request goes to. Where the "
                     "provider takes only its own keys a foreign prefix is an error and nothing is sent; "
                     "for OpenAI-compatible endpoints, and whenever the base URL points at a gateway, it is "
                     "a warning, since gateways may take other keys. Admin keys and OAuth tokens warn.",
        .fix = "Put this provider's own key in its variable or store it with `llmc keys set` and the "
               "provider's name; if you meant the other provider, change the model prefix.",
        .workaround = "If the key is right and the provider is not, pick the matching model prefix "
                      "(-m fireworks/...). For a gateway that takes this key, add it as an endpoint with "
                      "llmc_client_add_endpoint(), where a foreign prefix is only a warning.",
        .prevention = "Give each provider its own variable and never reuse one name for several services; "
                      "`llmc doctor` shows which provider each key's prefix belongs to.",
        .broken_shell =
            "$ export ANTHROPIC_API_KEY=\"$FIREWORKS_API_KEY\"\n"
            "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
            "error: the key from ANTHROPIC_API_KEY starts with fw_, a Fireworks AI key (key.wrong_provider)",
        .fixed_shell = "$ llmc keys set anthropic              # the sk-ant-... key\n"
                       "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
                       "$ llmc -m fireworks/accounts/fireworks/models/gpt-oss-120b 'Hello'",
        .broken_c = "llmc_client_set_key(c, \"anthropic\", getenv(\"FIREWORKS_API_KEY\"), &err);\n"
                    "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);",
        .fixed_c = "llmc_client_set_key(c, \"fireworks\", getenv(\"FIREWORKS_API_KEY\"), &err);\n"
                   "rc = llmc_generate(c, \"fireworks/accounts/fireworks/models/gpt-oss-120b\",\n"
                   "                   \"Hello\", &text, &err);",
    },
    {
        .cause = LLMC_CAUSE_KEY_FILE_PERMISSIONS,
        .id = "key.file_permissions",
        .title = "A key file can be read by other users",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "A file holding keys (the key store $XDG_CONFIG_HOME/llmc/keys, or a file named by "
               "<VAR>_FILE) has group or world permissions, e.g. after a copy under a permissive "
               "umask, an archive extraction or `chmod 644`. Anyone on the machine could read the "
               "key, so llmc refuses the file the way ssh refuses a private key with loose modes.",
        .detection = "Before reading a key file llmc checks its mode; any group or other permission bit "
                     "(mode & 077) is reported with the file's path and mode, and the key store is not "
                     "read at all. The store is also refused when it or its directory belongs to another user, or "
                     "when others can write to the directory (e.g. mode 1777): they could swap it.",
        .fix = "Restrict the file to its owner with chmod 600 and the path the error names (the store "
               "defaults to ~/.config/llmc/keys; its directory wants chmod 700), and rotate the key if others may "
               "have read it.",
        .workaround = "Supply the key from another source meanwhile: export the provider's variable for "
                      "the run, or pass it with llmc_client_set_key().",
        .prevention = "Let `llmc keys set` create the store (0600 in a 0700 directory); use umask 077 when "
                      "writing secrets; mount container secrets with mode 0400 (Kubernetes defaultMode).",
        .broken_shell = "$ chmod 644 ~/.config/llmc/keys\n"
                        "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
                        "error: ~/.config/llmc/keys is readable by others (mode 0644) (key.file_permissions)",
        .fixed_shell = "$ chmod 600 ~/.config/llmc/keys\n"
                       "$ llmc keys check",
        .broken_c = "/* the store was copied from a backup with mode 0644 */\n"
                    "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_KEY, err.diagnosis.cause == LLMC_CAUSE_KEY_FILE_PERMISSIONS */",
        .fixed_c = "/* after `chmod 600 ~/.config/llmc/keys` */\n"
                   "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                   "if (rc == LLMC_OK) { puts(text); llmc_free(text); }",
    },
    {
        .cause = LLMC_CAUSE_KEY_COMMAND_FAILED,
        .id = "key.command_failed",
        .title = "The key command did not produce a key",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "The configured key_command (e.g. `pass show anthropic`, `op read ...`) exited with a "
               "non-zero status, ran past its time limit, could not be started, or printed nothing: "
               "a locked password manager, an expired vault session, a program missing from PATH, or "
               "a command waiting for a passphrase on a terminal it does not have.",
        .detection = "llmc runs the command without a shell and with a time limit and takes the first line "
                     "of its standard output. A start failure, non-zero exit, timeout or empty first line "
                     "is this cause; its standard error is summarised, never echoed, as it may hold secrets.",
        .fix = "Run the command yourself in a terminal to see why it fails (unlock the vault, log in "
               "again, fix PATH), then retry; meanwhile the provider's variable, which comes first, works.",
        .workaround = "Export the provider's variable for the run: the environment comes before the key "
                      "command in the chain, so the command is not needed.",
        .prevention = "Give unattended jobs a service-account token or a long enough vault session; make the "
                      "command print only the key on its first line; test it with `llmc keys check`.",
        .broken_shell = "$ pass show anthropic             # the key command; the store is locked\n"
                        "gpg: decryption failed: No secret key\n"
                        "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
                        "error: key command `pass` exited with status 2 (key.command_failed)",
        .fixed_shell = "$ gpg-connect-agent reloadagent /bye && pass show anthropic >/dev/null\n"
                       "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'",
        .broken_c = "/* key_command = pass show anthropic, and the vault is locked */\n"
                    "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_KEY, err.diagnosis.source == LLMC_SOURCE_COMMAND */",
        .fixed_c = "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                   "if (rc == LLMC_E_KEY && err.diagnosis.cause == LLMC_CAUSE_KEY_COMMAND_FAILED)\n"
                   "    fprintf(stderr, \"unlock your password manager: %s\\n\", err.diagnosis.fix);",
    },
    {
        .cause = LLMC_CAUSE_AUTH_REJECTED,
        .id = "auth.rejected",
        .title = "The provider rejected the key (HTTP 401)",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 401,
        .why = "The key reached the provider and was refused: it was revoked or deleted in the "
               "console, rotated by someone else, belongs to a deactivated account, is from another "
               "environment, expired (keys may carry an expiry date now), or was mistyped while still looking "
               "plausible. Often an old key in a variable still wins over the new one just stored.",
        .detection = "An HTTP 401 reply, or a 403 whose error code says the key is unknown (a control "
                     "plane's way of saying 401). Before reporting, llmc re-resolves the key once (re-running a key "
                     "command, trying the next stored key not marked bad) and retries; a stored key that "
                     "got a 401 is marked bad.",
        .fix = "Create a new key in the provider's console, store it with `llmc keys set` and confirm with "
               "`llmc keys check`; the fingerprint shows which key failed, and what it shadows.",
        .workaround = "Keep a second valid key stored for the provider: after a 401 llmc moves on to the "
                      "next stored key not marked bad. On a terminal the CLI offers to take a new key now.",
        .prevention = "Validate keys at start-up (`llmc keys check`, llmc_client_validate()) instead of on "
                      "the first real request; rotate keys on a schedule and update every place using them.",
        .broken_shell = "$ llmc -m fireworks/accounts/fireworks/models/gpt-oss-120b 'Hello'\n"
                        "error: fireworks rejected the key fw_…9xQa from env FIREWORKS_API_KEY (auth.rejected)",
        .fixed_shell = "$ llmc keys set fireworks         # a freshly created key\n"
                       "$ unset FIREWORKS_API_KEY         # the revoked one shadowed the store\n"
                       "$ llmc keys check fireworks",
        .broken_c = "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                    "if (rc != LLMC_OK)\n"
                    "    fprintf(stderr, \"failed\\n\");   /* which key? why? */",
        .fixed_c = "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                   "if (rc == LLMC_E_AUTH)\n"
                   "    fprintf(stderr, \"key %s from %s was rejected\\nfix: %s\\n\",\n"
                   "            err.diagnosis.fingerprint, err.diagnosis.source_name, err.diagnosis.fix);",
    },
    {
        .cause = LLMC_CAUSE_AUTH_FORBIDDEN,
        .id = "auth.forbidden",
        .title = "The key is not allowed to do this (HTTP 403)",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 403,
        .why = "The provider refuses this request although the key may be fine: the model is not "
               "enabled for the account or workspace, billing or access is missing, or the account is "
               "suspended. Some providers also answer 403 when no key arrived at all, because a proxy "
               "removed the Authorization header.",
        .detection = "An HTTP 403 reply or a permission_error. llmc shows the provider's own message, does "
                     "not retry, and does not mark the key bad, since the key itself may work elsewhere.",
        .fix = "Check in the provider's console that this key's workspace may use the model and that "
               "billing is active; for \"Not authenticated\", make sure no proxy strips Authorization.",
        .workaround = "Call a model the key is allowed to use, or use a key from a workspace that has access.",
        .prevention = "At deploy time run `llmc keys check` and one small request per model you rely on; "
                      "keep one key per workspace and name stored keys so you know which is which.",
        .broken_shell = "$ llmc -m anthropic/claude-opus-4-8 'Hello'\n"
                        "error: anthropic: Permission denied (HTTP 403) (auth.forbidden)",
        .fixed_shell = "$ llmc models anthropic           # what this key may use\n"
                       "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'",
        .broken_c = "rc = llmc_generate(c, \"anthropic/claude-opus-4-8\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_PERMISSION: the workspace has no access to this model */",
        .fixed_c = "rc = llmc_generate(c, \"anthropic/claude-opus-4-8\", \"Hello\", &text, &err);\n"
                   "if (rc == LLMC_E_PERMISSION)   /* fall back to a model the key may use */\n"
                   "    rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);",
    },
    {
        .cause = LLMC_CAUSE_AUTH_CONFLICT,
        .id = "auth.conflict",
        .title = "Two credentials are set and disagree",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "Two sources offer different credentials for the same provider and llmc cannot tell "
               "which one you meant: typically ANTHROPIC_AUTH_TOKEN (sent as a Bearer token, used for "
               "gateways and OAuth logins) and ANTHROPIC_API_KEY (sent as x-api-key) both set. "
               "Sending both lets the server pick the one you did not intend.",
        .detection = "While resolving credentials llmc sees both set and no explicit choice; it stops "
                     "instead of guessing and names both sources, never their values.",
        .fix = "Unset the one you do not want (unset ANTHROPIC_AUTH_TOKEN to send a normal API key), or "
               "choose a stored key with the CLI's --key-name. A blank variable, or the same value in both, "
               "is no conflict.",
        .workaround = "Drop one for a single run: `env -u ANTHROPIC_AUTH_TOKEN llmc ...`; in C, "
                      "llmc_client_set_key() comes before both.",
        .prevention = "Set gateway tokens only in the environment of the tools that use the gateway, not "
                      "in your shell profile; `llmc doctor` shows which source wins and what it shadows.",
        .broken_shell = "$ export ANTHROPIC_API_KEY=sk-ant-api03-...\n"
                        "$ export ANTHROPIC_AUTH_TOKEN=sk-ant-oat01-...\n"
                        "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
                        "error: ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN are both set (auth.conflict)",
        .fixed_shell = "$ unset ANTHROPIC_AUTH_TOKEN\n"
                       "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'",
        .broken_c = "/* the environment holds both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN */\n"
                    "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_KEY, cause auth.conflict */",
        .fixed_c = "/* an explicit key comes first in the chain and settles the question */\n"
                   "llmc_client_set_key(c, \"anthropic\", getenv(\"ANTHROPIC_API_KEY\"), &err);\n"
                   "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);",
    },
    {
        .cause = LLMC_CAUSE_TRANSPORT_INSECURE,
        .id = "transport.insecure",
        .title = "The key would be sent over plain HTTP",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "The base URL (an option, or a variable such as ANTHROPIC_BASE_URL or OPENAI_BASE_URL) "
               "starts with http:// and names a host other than this machine, so the key would cross "
               "the network in clear text for anyone on the path to read. Usually a typo for https:// "
               "or a gateway without TLS. A redirect to another host would carry the key away too.",
        .detection = "Before sending, llmc checks the URL: https is always allowed, http only to loopback "
                     "(127.0.0.0/8, ::1, localhost). Redirects are never followed. Nothing is sent.",
        .fix = "Use https:// in the base URL (the *_BASE_URL variable or base_url in the config file); "
               "for a server on this machine use 127.0.0.1 or localhost.",
        .workaround = "On a trusted private network only, allow it for that provider alone with "
                      "`allow_http = true` in its section of the config file (llmc_client_allow_insecure_http_for() "
                      "in C); a key is then readable by anyone who can see the traffic, so prefer `auth = none` "
                      "servers there.",
        .prevention = "Terminate TLS at your gateway, review base URLs in configuration, and treat any key "
                      "that has crossed plain HTTP as leaked: rotate it.",
        .broken_shell = "$ export OPENAI_BASE_URL=http://gateway.internal:8080/v1\n"
                        "$ llmc -m openai/gpt-5.4-mini 'Hello'\n"
                        "error: refusing to send a key over http:// to gateway.internal (transport.insecure)",
        .fixed_shell = "$ export OPENAI_BASE_URL=https://gateway.internal/v1\n"
                       "$ llmc -m openai/gpt-5.4-mini 'Hello'",
        .broken_c = "llmc_client_set_base_url(c, \"openai\", \"http://gateway.internal:8080/v1\", &err);\n"
                    "/* rc == LLMC_E_INSECURE: the key is never sent */",
        .fixed_c = "llmc_client_set_base_url(c, \"openai\", \"https://gateway.internal/v1\", &err);\n"
                   "rc = llmc_generate(c, \"openai/gpt-5.4-mini\", \"Hello\", &text, &err);",
    },
    {
        .cause = LLMC_CAUSE_KEY_FILE_MISSING,
        .id = "key.file_missing",
        .title = "The key file named by <VAR>_FILE does not exist",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "A variable such as ANTHROPIC_API_KEY_FILE (the Docker and Kubernetes secrets convention) "
               "names a path where no file is: a secret that was not mounted into this container, a "
               "typo in the path, a relative path read from another directory, or a file that was moved "
               "or cleaned up.",
        .detection = "The <VAR>_FILE variable comes before the key command and the key store in the chain, "
                     "so llmc opens the path it names; when the path does not exist the error names the "
                     "variable and the path, and nothing is sent.",
        .fix = "Correct the path in the <VAR>_FILE variable the error names, or unset that variable so that "
               "llmc looks further (key command, key store).",
        .workaround = "Export the key variable itself for the run; it comes before <VAR>_FILE. Or store "
                      "the key with `llmc keys set` and unset the variable.",
        .prevention = "Use absolute paths; check in the container's start-up that the secret is mounted "
                      "(`test -r \"$ANTHROPIC_API_KEY_FILE\"`); run `llmc keys check` when deploying.",
        .broken_shell = "$ export CEREBRAS_API_KEY_FILE=/run/secrets/cerebras   # not mounted\n"
                        "$ llmc -m cerebras/gpt-oss-120b 'Hello'\n"
                        "error: CEREBRAS_API_KEY_FILE names /run/secrets/cerebras, which does not exist "
                        "(key.file_missing)",
        .fixed_shell = "$ docker run -v ./cerebras.key:/run/secrets/cerebras:ro ... \\\n"
                       "      llmc -m cerebras/gpt-oss-120b 'Hello'",
        .broken_c = "setenv(\"CEREBRAS_API_KEY_FILE\", \"/run/secrets/cerebras\", 1);  /* absent */\n"
                    "rc = llmc_generate(c, \"cerebras/gpt-oss-120b\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_KEY, cause key.file_missing */",
        .fixed_c = "unsetenv(\"CEREBRAS_API_KEY_FILE\");   /* let the chain look further */\n"
                   "rc = llmc_generate(c, \"cerebras/gpt-oss-120b\", \"Hello\", &text, &err);",
    },
    {
        .cause = LLMC_CAUSE_KEY_FILE_UNREADABLE,
        .id = "key.file_unreadable",
        .title = "The key file named by <VAR>_FILE cannot be read as a key",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "The path in a <VAR>_FILE variable exists but is not a key file llmc may read: a "
               "directory (a secret mounted as a folder, whose file is inside it), a socket, or a file "
               "the current user has no permission to read (a secret owned by root, read by a service "
               "user).",
        .detection = "llmc opens the path and looks at what it is before reading: a directory or a socket "
                     "is named as such, permission denied as such. Pipes and devices are read like files, "
                     "so a shell's <(pass show x) works.",
        .fix = "Point the <VAR>_FILE variable at the key file itself (not its directory), or make it "
               "readable by the user llmc runs as; or unset the variable so that llmc looks further.",
        .workaround = "Export the key variable itself for the run, or store the key with `llmc keys set`.",
        .prevention = "Mount secrets as files (Kubernetes: items with a path, or subPath); give them to the "
                      "service user with mode 0400; test with `llmc keys check` as that user.",
        .broken_shell = "$ export FIREWORKS_API_KEY_FILE=/run/secrets         # the directory\n"
                        "$ llmc -m fireworks/accounts/fireworks/models/gpt-oss-120b 'Hello'\n"
                        "error: FIREWORKS_API_KEY_FILE names /run/secrets, a directory, not a key file "
                        "(key.file_unreadable)",
        .fixed_shell = "$ export FIREWORKS_API_KEY_FILE=/run/secrets/fireworks\n"
                       "$ llmc -m fireworks/accounts/fireworks/models/gpt-oss-120b 'Hello'",
        .broken_c = "setenv(\"FIREWORKS_API_KEY_FILE\", \"/run/secrets\", 1);  /* a directory */\n"
                    "rc = llmc_generate(c, \"fireworks/accounts/fireworks/models/gpt-oss-120b\", \"Hello\", "
                    "&text, &err);",
        .fixed_c = "setenv(\"FIREWORKS_API_KEY_FILE\", \"/run/secrets/fireworks\", 1);\n"
                   "rc = llmc_generate(c, \"fireworks/accounts/fireworks/models/gpt-oss-120b\", \"Hello\", "
                   "&text, &err);",
    },
    {
        .cause = LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER,
        .id = "model.unknown_provider",
        .title = "The model string names no provider llmc knows",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "A model string is provider/model, and the part before the first '/' is not a built-in "
               "provider, an endpoint of the config file or an alias: a typo such as cerebra/ or "
               "antropic/, an endpoint that was never defined, a provider named without its model, or an "
               "alias that names itself. Sending it to the default provider instead would fail there "
               "with a misleading error, or worse, spend a request on the wrong service.",
        .detection = "Before anything is sent (CLI -m, LLMC_MODEL, `model =` in the config, aliases and "
                     "the library's model strings alike) llmc resolves aliases and looks the prefix up "
                     "among the providers and endpoints; an unknown one stops the call with the list of "
                     "known names and the closest of them.",
        .fix = "Write the model with a known provider in front (the error lists them and names the "
               "closest), or add the provider as an [endpoint NAME] section of the config file.",
        .workaround = "Name the model with its provider explicitly (-m cerebras/gpt-oss-120b) instead of "
                      "relying on LLMC_MODEL or the config file's default; `llmc config show` shows both.",
        .prevention = "Define aliases for the models you use ([alias fast] in the config) and use those "
                      "names; `llmc models` prints model strings ready to paste.",
        .broken_shell = "$ llmc -m cerebra/gpt-oss-120b 'Hello'\n"
                        "error: unknown provider \"cerebra\" in the model \"cerebra/gpt-oss-120b\"; did you "
                        "mean \"cerebras\"? (model.unknown_provider)",
        .fixed_shell = "$ llmc -m cerebras/gpt-oss-120b 'Hello'",
        .broken_c = "rc = llmc_generate(c, \"cerebra/gpt-oss-120b\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_CONFIG, cause model.unknown_provider: nothing was sent */",
        .fixed_c = "char provider[32];\n"
                   "if (llmc_client_route(c, model, provider, sizeof provider, NULL, 0, &err) != LLMC_OK)\n"
                   "    fprintf(stderr, \"%s\\nfix: %s\\n\", err.message, err.diagnosis.fix);",
    },
    {
        .cause = LLMC_CAUSE_MODEL_NOT_FOUND,
        .id = "model.not_found",
        .title = "The provider does not serve this model",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 404,
        .why = "The model id is not one the provider serves to this key: mistyped, meant for another "
               "provider, gated for this account, or retired. Providers retire models on published "
               "dates and answer them with the same 404 as a model that never existed, so an old "
               "script breaks overnight.",
        .detection = "A 404 whose error is about the model (model_not_found, not_found_error \"model: ID\", "
                     "\"Model not found\"). llmc names a model the provider retired, with its date and "
                     "replacement where known, and otherwise the closest models from the provider's list "
                     "(cached for a day, fetched at most once per client).",
        .fix = "Use a model the provider serves: the error names the closest ones or the replacement of "
               "a retired one, and `llmc models` lists them all.",
        .workaround = "Point the script at a configured alias ([alias NAME] in the config file) so that one "
                      "line changes when a model is retired.",
        .prevention = "Follow the providers' deprecation pages; refer to models through aliases; check "
                      "with `llmc models` in CI what each provider serves.",
        .broken_shell = "$ llmc -m cerebras/llama-3.3-70b 'Hello'\n"
                        "error: not found (HTTP 404 from cerebras): Model llama-3.3-70b does not exist or you "
                        "do not have access to it. (model.not_found)",
        .fixed_shell = "$ llmc models cerebras\n"
                       "$ llmc -m cerebras/gpt-oss-120b 'Hello'",
        .broken_c = "rc = llmc_generate(c, \"cerebras/llama-3.3-70b\", \"Hello\", &text, &err);\n"
                    "/* rc == LLMC_E_NOT_FOUND, err.diagnosis.suggestions: \"gpt-oss-120b\" */",
        .fixed_c = "rc = llmc_generate(c, \"cerebras/gpt-oss-120b\", \"Hello\", &text, &err);\n"
                   "if (rc == LLMC_E_NOT_FOUND)\n"
                   "    fprintf(stderr, \"%s\\nfix: %s\\n\", err.message, err.diagnosis.fix);",
    },
    {
        .cause = LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER,
        .id = "request.unsupported_parameter",
        .title = "The model refuses a parameter of the request",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 400,
        .why = "Models differ in what they take: reasoning models want max_completion_tokens instead of "
               "max_tokens and only their default temperature, newer models think only adaptively and "
               "refuse a thinking budget, some refuse top_p with temperature. A request that worked with "
               "one model fails with another.",
        .detection = "A 400 whose error names a parameter the model does not support: an "
                     "unsupported_parameter or unsupported_value code with its `param`, or a message such "
                     "as \"thinking.type.enabled\" is not supported for this model. Before sending, llmc's "
                     "per-model rules (each with its source) catch what a known model refuses and stop the "
                     "request with the same cause (\"not sent\"); where the right field is certain (a "
                     "limit as max_completion_tokens, adaptive thinking for a model that takes only that) "
                     "llmc sends that instead. Either way llmc names the parameter and the model.",
        .fix = "Drop the parameter the error names for this model (the CLI option that sets it is named "
               "too), or use a model that takes it.",
        .workaround = "Keep a per-model alias for the models that need different settings, and set the "
                      "parameter only where it is taken (`llmc explain` this page from a script).",
        .prevention = "Set sampling and limits only when you need them: llmc sends a parameter only when "
                      "it was set.",
        .broken_shell = "$ llmc -m openai/gpt-5.4-mini --temperature 0.2 'Hello'\n"
                        "error: not sent: gpt-5.4-mini refuses a temperature other than 1 (source: …) "
                        "(request.unsupported_parameter)",
        .fixed_shell = "$ llmc -m openai/gpt-5.4-mini 'Hello'",
        .broken_c = "llmc_request_set_temperature(req, 0.2, NULL);   /* refused by reasoning models */\n"
                    "rc = llmc_messages_create(c, req, &resp, &err);  /* LLMC_E_BAD_REQUEST */",
        .fixed_c = "llmc_request_set_temperature(req, -1, NULL);    /* not sent: the model's default */\n"
                   "rc = llmc_messages_create(c, req, &resp, &err);",
    },
    {
        .cause = LLMC_CAUSE_CONFIG_BASE_URL,
        .id = "config.base_url",
        .title = "The base URL is not one llmc can use",
        .severity = LLMC_SEVERITY_ERROR,
        .http_status = 0,
        .why = "Each provider's base URL is read with its official SDK's meaning: the SDK, and llmc, "
               "append the API's own path to it. A value copied from another client's settings often "
               "already ends in that path's first part (https://api.anthropic.com/v1), so requests go to "
               "…/v1/v1/messages and get a 404; an OpenAI-compatible server's URL may lack the /v1 it "
               "answers under; or the value is not a URL at all (no scheme, a bare host name).",
        .detection = "Before sending, a base URL must parse with an http or https scheme and a host. After "
                     "a 404 that is not about the model, llmc looks at the URL it used: a doubled /v1, or "
                     "an OpenAI-compatible path without /v1, is named with the variable that set it.",
        .fix = "Correct the base URL where the error says it came from (the *_BASE_URL variable, base_url "
               "in the config file): remove or add the /v1 it names, or give a whole https:// URL.",
        .workaround = "Unset the provider's *_BASE_URL variable to use its default service.",
        .prevention = "Copy base URLs from the official SDK's documentation, which gives them the meaning "
                      "llmc uses; `llmc doctor` shows the URL each provider's requests go to.",
        .broken_shell = "$ export ANTHROPIC_BASE_URL=https://api.anthropic.com/v1\n"
                        "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'\n"
                        "error: not found (HTTP 404 from anthropic) (config.base_url)",
        .fixed_shell = "$ export ANTHROPIC_BASE_URL=https://api.anthropic.com\n"
                       "$ llmc -m anthropic/claude-sonnet-4-6 'Hello'",
        .broken_c = "llmc_client_set_base_url(c, \"anthropic\", \"https://api.anthropic.com/v1\", &err);\n"
                    "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);",
        .fixed_c = "llmc_client_set_base_url(c, \"anthropic\", \"https://api.anthropic.com\", &err);\n"
                   "rc = llmc_generate(c, \"anthropic/claude-sonnet-4-6\", \"Hello\", &text, &err);",
    },
};

#define CATALOGUE_LEN (sizeof catalogue / sizeof catalogue[0])

LLMC_API const llmc_cause_info *llmc_cause_info_get(llmc_cause cause)
{
    /* Compare as size_t so a negative or out-of-range value cast into the enum is rejected. */
    size_t i = (size_t)cause;
    if (i == 0 || i > CATALOGUE_LEN)
        return NULL;
    if (catalogue[i - 1].cause == cause)
        return &catalogue[i - 1];
    for (size_t j = 0; j < CATALOGUE_LEN; j++)
        if (catalogue[j].cause == cause)
            return &catalogue[j];
    return NULL;
}

LLMC_API const char *llmc_cause_id(llmc_cause cause)
{
    const llmc_cause_info *info = llmc_cause_info_get(cause);
    return info != NULL ? info->id : "";
}

LLMC_API const llmc_cause_info *llmc_cause_info_find(const char *id)
{
    if (id == NULL)
        return NULL;
    for (size_t i = 0; i < CATALOGUE_LEN; i++)
        if (strcmp(catalogue[i].id, id) == 0)
            return &catalogue[i];
    return NULL;
}

LLMC_API const llmc_cause_info *llmc_cause_info_at(size_t index)
{
    return index < CATALOGUE_LEN ? &catalogue[index] : NULL;
}
