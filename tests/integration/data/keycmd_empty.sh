#!/bin/sh
# SPDX-License-Identifier: MIT
# A key command that succeeds but prints nothing (an empty vault entry).
exit 0
