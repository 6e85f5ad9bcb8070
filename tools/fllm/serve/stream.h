/* Streamed answers of fllm serve as server-sent events (stream.c). */
#ifndef FLLM_SERVE_STREAM_H
#define FLLM_SERVE_STREAM_H

#include <microhttpd.h>

#include "request.h"
#include "serve.h"

/*
 * Answer 200 with r's text as it comes: one "data: {chunk}" event per piece,
 * the last with the finish reason, then "data: [DONE]". Takes over the
 * caller's reference to r.
 */
enum MHD_Result serve_stream_start(struct serve_server *s, struct MHD_Connection *c,
				   struct serve_request *r);

#endif /* FLLM_SERVE_STREAM_H */
