#!/bin/sh
# SPDX-License-Identifier: MIT
# A key command that prints the key kept in the file it is given (as `pass show` would).
exec cat "$1"
