#!/bin/sh
# SPDX-License-Identifier: MIT
# A key command that never answers (a password manager waiting for a touch): llmc must stop it.
exec sleep 30
