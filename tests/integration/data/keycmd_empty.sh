#!/bin/sh
# A key command that succeeds but prints nothing (an empty vault entry).
exit 0
