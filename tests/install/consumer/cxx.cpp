/* SPDX-License-Identifier: MIT */
// cxx.cpp — the public header compiled as C++: extern "C" linkage and no C-only constructs.
#include <llmc/llmc.h>

int main()
{
    llmc_error err;
    llmc_error_clear(&err);
    return llmc_strerror(LLMC_OK) != nullptr ? 0 : 1;
}
