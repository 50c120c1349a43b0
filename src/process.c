/* SPDX-License-Identifier: MIT */
/*
 * process.c — protecting the keys a process holds from the process's own crash: a core dump is a
 * copy of its memory (keys included, several times over: the store buffer, the header list,
 * libcurl's copy) written where the kernel's core_pattern says. Making the process non-dumpable
 * and its core size limit zero means a crash leaves no such copy.
 */
#include "util.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

llmc_code llmc_process_disable_core_dumps(llmc_error *err)
{
    llmc_error_clear(err);
    /* Both the soft and the hard limit: a library the program loads later cannot raise it again
     * (unless the process is privileged). */
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot set the core file size limit to 0: %s", strerror(errno));
#if defined(__linux__)
    /* Non-dumpable also covers what the limit does not: a core_pattern that pipes to a handler
     * (systemd-coredump, apport) ignores RLIMIT_CORE, and same-user ptrace attach and
     * /proc/PID/mem are refused too. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot make the process non-dumpable: %s", strerror(errno));
#endif
    return LLMC_OK;
}
