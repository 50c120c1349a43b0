#!/bin/sh
# SPDX-License-Identifier: MIT
# A key command that starts a helper (writing its pid to the file it is given) and then never
# answers: when llmc stops it at its time limit, the helper must be stopped too.
sleep 30 &
echo $! > "$1"
exec sleep 30
