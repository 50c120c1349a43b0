#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The layer headers are fences: only the files listed here may include secret.h, the one header
# that exposes a key's bytes. Dialects, stream decoders, JSON and error-body code never may, and
# no header may pass it on. A new file that needs key bytes is added here on purpose, in review.
set -euo pipefail
cd "$1/src"
allowed="secret.c http.c call.c client.c credentials.c keycmd.c keystore.c request.c"
never="anthropic.c openai.c stream_anthropic.c stream_openai.c stream.c sse.c json.c errbody.c response.c"
bad=0
for f in *.c *.h; do
  grep -q '^#include "secret.h"' "$f" || continue
  case " $allowed " in *" $f "*) continue ;; esac
  echo "fences: $f includes secret.h but is not allowed to see key bytes" >&2
  bad=1
done
for f in $never; do
  [ -f "$f" ] || continue
  if grep -q '^#include "secret.h"' "$f"; then echo "fences: $f must never include secret.h" >&2; bad=1; fi
done
# the old catch-all header is gone for good
if ls internal.h >/dev/null 2>&1; then echo "fences: src/internal.h is back" >&2; bad=1; fi
[ "$bad" = 0 ] && echo "fences: only $(echo $allowed | wc -w) files see key bytes"
