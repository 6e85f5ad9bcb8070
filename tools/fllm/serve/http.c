/*
 * The HTTP side (libmicrohttpd, one thread per connection): routing, bearer
 * authentication, request bodies, and the wait for the engine's text, either
 * whole (the handler blocks until the request ends, looking out for a client
 * that leaves) or as server-sent events (stream.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "openai.h"
#include "parse.h"
#include "request.h"
#include "serve.h"
#include "stream.h"
#include "text_buf.h"

#define HTTP_BODY_MAX (1u << 20)	/* request bodies above 1 MiB get 413 */
#define HTTP_PEER_CHECK_NS 20000000	/* 20 ms */

struct serve_http {
	struct MHD_Daemon *d;
};

/* One connection's request body. */
struct http_body {
	struct text_buf b;
	int too_big;
};

/* Queue a response with body text (freed here) and count its status. */
static enum MHD_Result http_reply(struct serve_server *s, struct MHD_Connection *c,
				  unsigned status, const char *type, char *text)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!text)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	serve_metrics_count(s, status);
	return ret;
}

static enum MHD_Result http_error(struct serve_server *s, struct MHD_Connection *c,
				  unsigned status, const char *msg, const char *param)
{
	return http_reply(s, c, status, "application/json", serve_openai_error(status, msg,
									       param));
}

/*
 * The client closed its side of the connection (or it broke): nothing more
 * can come from it, so a whole answer would be read by nobody.
 */
static int http_peer_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/*
 * Wait until r ends and answer with the whole document. The wait looks at
 * the connection every HTTP_PEER_CHECK_NS: a client that left has its
 * request dropped at the next token, as a stream's would be.
 */
static enum MHD_Result http_whole(struct serve_server *s, struct MHD_Connection *c,
				  struct serve_request *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	unsigned status = 200;
	int gone;
	char *doc;

	pthread_mutex_lock(&s->mu);
	while (!r->finish) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += HTTP_PEER_CHECK_NS;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->cv, &s->mu, &ts);
		if (!r->finish && !r->gone && ci && http_peer_gone(ci->connect_fd))
			r->gone = 1;	/* the engine drops it at its next token */
	}
	gone = r->gone;
	if (gone) {
		doc = NULL;
	} else if (!strcmp(r->finish, "error")) {
		status = 500;
		doc = serve_openai_error(500, "the engine failed on this request", NULL);
	} else if (!strcmp(r->finish, "cancelled")) {
		status = 503;
		doc = serve_openai_error(503, "the server is shutting down", NULL);
	} else {
		doc = serve_openai_response(s, r);
	}
	serve_request_unref(r);
	pthread_mutex_unlock(&s->mu);
	if (gone)
		return MHD_NO;	/* close the connection: nobody reads the answer */
	return http_reply(s, c, status, "application/json", doc);
}

/* POST /v1/completions or /v1/chat/completions. */
static enum MHD_Result http_complete(struct serve_server *s, struct MHD_Connection *c,
				     enum serve_api api, const struct http_body *b)
{
	char err[512];
	const char *param;
	struct serve_request *r;
	unsigned st = serve_parse(s, api, b->b.p ? b->b.p : "", b->b.len, &r, err, sizeof(err),
				  &param);

	if (st != 200)
		return http_error(s, c, st, err, param);
	pthread_mutex_lock(&s->mu);
	snprintf(r->id, sizeof(r->id), "%s-%llu", api == SERVE_API_CHAT ? "chatcmpl" : "cmpl",
		 (unsigned long long)++s->next_id);
	pthread_mutex_unlock(&s->mu);
	r->created = (long long)time(NULL);
	r->t_queued = serve_now();
	st = serve_queue_push(s, r);
	if (st) {
		pthread_mutex_lock(&s->mu);
		snprintf(err, sizeof(err), st == 429 ? "the queue is full (%u requests waiting); "
			 "retry later" : "the server is shutting down", s->queued);
		serve_request_unref(r);
		pthread_mutex_unlock(&s->mu);
		return http_error(s, c, st, err, NULL);
	}
	/* the queue holds a reference; this thread keeps its own */
	return r->stream ? serve_stream_start(s, c, r) : http_whole(s, c, r);
}

/* Bearer authentication against --api-key (constant-time compare). */
static int http_authorized(const struct serve_server *s, struct MHD_Connection *c)
{
	const char *key = s->cfg->api_key, *h;
	size_t kl, hl;
	unsigned diff = 0;

	if (!key)
		return 1;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncmp(h, "Bearer ", 7))
		return 0;
	h += 7;
	kl = strlen(key);
	hl = strlen(h);
	for (size_t i = 0; i < kl; i++)
		diff |= (unsigned char)key[i] ^ (unsigned char)(i < hl ? h[i] : 0);
	return !diff && kl == hl;
}

/* Route a complete request. */
static enum MHD_Result http_route(struct serve_server *s, struct MHD_Connection *c,
				  const char *url, const char *method, const struct http_body *b)
{
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
	enum serve_api api = SERVE_API_COMPLETION;
	int draining;

	if (!strcmp(url, "/health")) {
		if (!get)
			return http_error(s, c, 405, "use GET", NULL);
		pthread_mutex_lock(&s->mu);
		draining = s->draining;
		pthread_mutex_unlock(&s->mu);
		return http_reply(s, c, draining ? 503 : 200, "application/json",
				  strdup(draining ? "{\"status\":\"shutting down\"}" :
						    "{\"status\":\"ok\"}"));
	}
	if (!http_authorized(s, c))
		return http_error(s, c, 401, "missing or wrong API key (Authorization: Bearer "
				  "KEY)", NULL);
	if (!strcmp(url, "/metrics")) {
		if (!get)
			return http_error(s, c, 405, "use GET", NULL);
		return http_reply(s, c, 200, "text/plain; version=0.0.4",
				  serve_metrics_render(s));
	}
	if (!strcmp(url, "/v1/models")) {
		if (!get)
			return http_error(s, c, 405, "use GET", NULL);
		return http_reply(s, c, 200, "application/json", serve_openai_models(s));
	}
	if (!strcmp(url, "/v1/completions") || !strcmp(url, "/v1/chat/completions")) {
		if (!post)
			return http_error(s, c, 405, "use POST", NULL);
		if (b->too_big)
			return http_error(s, c, 413, "the request body is over 1 MiB", NULL);
		if (strcmp(url, "/v1/completions"))
			api = SERVE_API_CHAT;
		return http_complete(s, c, api, b);
	}
	return http_error(s, c, 404, "unknown path (POST /v1/completions, "
			  "/v1/chat/completions; GET /v1/models, /health, /metrics)", NULL);
}

/* libmicrohttpd's access handler: gather the body, then route. */
static enum MHD_Result http_access(void *cls, struct MHD_Connection *c, const char *url,
				   const char *method, const char *version,
				   const char *upload, size_t *upload_size, void **con_cls)
{
	struct http_body *b = *con_cls;

	if (!b) {
		b = calloc(1, sizeof(*b));
		*con_cls = b;
		return b ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (b->too_big || b->b.len + n > HTTP_BODY_MAX) {
			b->too_big = 1;
			return MHD_YES;
		}
		return text_buf_append(&b->b, upload, n) ? MHD_NO : MHD_YES;
	}
	return http_route(cls, c, url, method, b);
}

static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	struct http_body *b = *con_cls;

	if (b)
		text_buf_free(&b->b);
	free(b);
	*con_cls = NULL;
}

/* The listening address from --host (IPv4 or IPv6 literal) and --port. */
static int http_addr(const struct serve_config *cfg, struct sockaddr_storage *ss,
		     unsigned *flags)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, cfg->host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)cfg->port);
		return 0;
	}
	if (inet_pton(AF_INET6, cfg->host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)cfg->port);
		*flags |= MHD_USE_IPv6;
		return 0;
	}
	return -1;
}

int serve_http_start(struct serve_server *s, struct serve_http **out)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | MHD_USE_ITC;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	struct serve_http *h;

	if (http_addr(s->cfg, &ss, &flags)) {
		fprintf(stderr, "fllm serve: --host '%s' is not an IPv4 or IPv6 address\n",
			s->cfg->host);
		return -1;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	h->d = MHD_start_daemon(flags, (uint16_t)s->cfg->port, NULL, NULL, http_access, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_NOTIFY_COMPLETED, http_completed, s,
				/* a flood of connections or silent clients cannot pile up
				 * threads: each connection holds one */
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg->max_conns,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg->timeout,
				MHD_OPTION_END);
	if (!h->d) {
		fprintf(stderr, "fllm serve: cannot listen on %s port %llu (in use?)\n",
			s->cfg->host, (unsigned long long)s->cfg->port);
		free(h);
		return -1;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "fllm serve: listening on %s port %u\n", s->cfg->host,
		info ? (unsigned)info->port : (unsigned)s->cfg->port);
	*out = h;
	return 0;
}

void serve_http_quiesce(struct serve_http *h)
{
	MHD_socket fd = MHD_quiesce_daemon(h->d);

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

void serve_http_stop(struct serve_http *h)
{
	MHD_stop_daemon(h->d);
	free(h);
}
