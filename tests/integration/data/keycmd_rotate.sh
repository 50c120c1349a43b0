#!/bin/sh
# SPDX-License-Identifier: MIT
# A key command whose key rotates: the first run prints DIR/first (by then revoked), every later
# run prints DIR/second. DIR/runs counts the runs so a test can see llmc re-ran it after a 401.
dir=$1
echo x >> "$dir/runs"
if [ "$(wc -l < "$dir/runs")" -le 1 ]; then
    cat "$dir/first"
else
    cat "$dir/second"
fi
