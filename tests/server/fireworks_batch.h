/* SPDX-License-Identifier: MIT */
/* Fireworks batch inference jobs and the datasets they read and write (control plane under
 * /fireworks/v1/accounts/{account}/…), plus the signed download URLs the emulator serves itself
 * (/fireworks/_signed/…, no key: the signature is the authority, as with real signed URLs). */
#ifndef LLMC_EMULATOR_FIREWORKS_BATCH_H
#define LLMC_EMULATOR_FIREWORKS_BATCH_H

#include "emulator.h"

/* Whether a Fireworks sub-path (after "/fireworks") belongs here. */
int fireworks_batch_owns(const char *subpath);
void fireworks_batch_handle(emu_reply *r, const emu_request *rq);

#endif
