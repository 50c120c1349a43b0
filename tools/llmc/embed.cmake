# SPDX-License-Identifier: MIT
# Turn the file IN into a C source OUT defining `const char cli_prices_tsv[]` (NUL-terminated).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* generated from ${IN}: do not edit */\nconst char cli_prices_tsv[] = {${bytes}0x00};\n")
