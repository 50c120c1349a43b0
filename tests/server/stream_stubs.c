#include "anthropic.h"
#include "openai.h"
void anthropic_stream(emu_reply *r, const emu_request *rq, const char *model, const emu_convo *c, const emu_answer *a)
{ (void)rq; reply_json(r, 200, anthropic_message(model, c, a)); }
void openai_stream(emu_reply *r, const emu_request *rq, const json_t *body, const char *model, const emu_convo *c,
                   const emu_answer *a)
{ (void)r; (void)rq; (void)body; (void)model; (void)c; (void)a; error_reply(r, rq, 400, "streaming not yet"); }
