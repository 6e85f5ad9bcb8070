/*
 * The smallest HTTP client fllm loadtest needs: one HTTP/1.0 request per
 * connection (so the server sends the body unchunked and closes), the
 * response gathered whole, and the time its first server-sent event came.
 */
#ifndef FLLM_CLI_LOADTEST_HTTP_CLIENT_H
#define FLLM_CLI_LOADTEST_HTTP_CLIENT_H

#include <stddef.h>

/* Where the server is: "http://HOST:PORT" split up. */
struct http_target {
	char host[256];
	char port[8];
};

/* Parse "http://HOST[:PORT]" (PORT default 80); 0, or -1 when it is not one. */
int http_target_parse(const char *url, struct http_target *t);

struct http_result {
	int status;		/* HTTP status, 0 when no response came */
	char *body;		/* (body_len) bytes after the headers, NUL-terminated */
	size_t body_len;
	double t_first_event;	/* seconds from sending to the first "data: " */
	double t_total;		/* seconds from connecting to the close */
};

/*
 * Send method path with body (NULL: none) and an optional bearer key; 0 with
 * *res filled (free res->body), or -1 when the connection failed.
 */
int http_request(const struct http_target *t, const char *method, const char *path,
		 const char *body, const char *api_key, struct http_result *res);

#endif /* FLLM_CLI_LOADTEST_HTTP_CLIENT_H */
