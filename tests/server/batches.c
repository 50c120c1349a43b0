/* Anthropic Message Batches (placeholder until batches land): answers 404 so clients see a
 * clean provider error rather than a crash. */
#include "emulator.h"

void batches_handle(emu_reply *r, const emu_request *rq)
{
  error_reply(r, rq, 404, "Not Found");
}
