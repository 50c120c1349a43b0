#!/bin/sh
# SPDX-License-Identifier: MIT
# A key command whose vault is locked: exits 1 and says something on stderr that must never be
# echoed raw (it looks like it could hold a secret).
echo "vault locked; token hint s3cr3t-stderr-text" >&2
exit 1
