/* fllm loadtest's HTTP client (see http_client.h). */
#include "http_client.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double http_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int http_target_parse(const char *url, struct http_target *t)
{
	const char *h = url, *colon, *end;
	size_t hl, pl;

	if (!strncmp(h, "http://", 7))
		h += 7;
	end = h + strcspn(h, "/");
	colon = memchr(h, ':', (size_t)(end - h));
	hl = (size_t)((colon ? colon : end) - h);
	if (!hl || hl >= sizeof(t->host))
		return -1;
	memcpy(t->host, h, hl);
	t->host[hl] = '\0';
	if (!colon) {
		strcpy(t->port, "80");
		return 0;
	}
	pl = (size_t)(end - colon - 1);
	if (!pl || pl >= sizeof(t->port))
		return -1;
	memcpy(t->port, colon + 1, pl);
	t->port[pl] = '\0';
	return strspn(t->port, "0123456789") == strlen(t->port) ? 0 : -1;
}

/* A connected socket, or -1. */
static int http_connect(const struct http_target *t)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	int fd = -1;

	if (getaddrinfo(t->host, t->port, &hints, &ai))
		return -1;
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen)) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

/* Write all of p[0..len); 0 or -1. */
static int http_send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until the server closes; notes when the first event arrived. */
static int http_read_all(int fd, double t0, char **out, size_t *out_len, double *t_event)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);

	*t_event = 0;
	for (;;) {
		ssize_t n;

		if (!buf)
			return -1;
		if (len + 4096 + 1 > cap) {
			char *b = realloc(buf, cap * 2);

			if (!b) {
				free(buf);
				return -1;
			}
			buf = b;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (!*t_event && strstr(buf, "\r\n\r\ndata: "))
			*t_event = http_now() - t0;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

int http_request(const struct http_target *t, const char *method, const char *path,
		 const char *body, const char *api_key, struct http_result *res)
{
	char head[1024];
	double t0 = http_now();
	char *raw, *sep;
	size_t raw_len;
	int fd, n;

	memset(res, 0, sizeof(*res));
	fd = http_connect(t);
	if (fd < 0)
		return -1;
	n = snprintf(head, sizeof(head), "%s %s HTTP/1.0\r\nHost: %s:%s\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n%s%s%s\r\n",
		     method, path, t->host, t->port, body ? strlen(body) : 0,
		     api_key ? "Authorization: Bearer " : "", api_key ? api_key : "",
		     api_key ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head) || http_send_all(fd, head, (size_t)n) ||
	    (body && http_send_all(fd, body, strlen(body))) ||
	    http_read_all(fd, t0, &raw, &raw_len, &res->t_first_event)) {
		close(fd);
		return -1;
	}
	close(fd);
	res->t_total = http_now() - t0;
	if (sscanf(raw, "HTTP/%*d.%*d %d", &res->status) != 1)
		res->status = 0;
	sep = strstr(raw, "\r\n\r\n");
	if (sep) {
		res->body_len = raw_len - (size_t)(sep + 4 - raw);
		memmove(raw, sep + 4, res->body_len + 1);
	} else {
		res->body_len = 0;
		raw[0] = '\0';
	}
	res->body = raw;
	return 0;
}
