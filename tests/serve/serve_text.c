/*
 * serve_text: reads what fllm serve answered (a JSON document, or a
 * server-sent event stream) for the serve tests, checks its shape, and
 * prints one thing from it raw on stdout:
 *   serve_text text FILE         the generated text: choices[0].text or
 *                                .message.content, or every stream chunk's
 *                                text / delta.content joined; a stream must
 *                                end in "data: [DONE]" after exactly one
 *                                chunk with a finish_reason
 *   serve_text field FILE PATH   a member by dotted path (choices.0.finish_reason):
 *                                a string raw, anything else as compact JSON
 *                                (a stream: the path in its last chunk)
 * Exits 1 with a message on stderr when FILE is not what it should be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* The member at a dotted path ("a.0.b"), NULL when absent. */
static json_t *st_path(json_t *v, const char *path)
{
	char buf[256], *save, *part;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); v && part; part = strtok_r(NULL, ".", &save)) {
		if (json_is_array(v))
			v = json_array_get(v, strtoul(part, NULL, 10));
		else
			v = json_object_get(v, part);
	}
	return v;
}

/* The text one document or chunk carries (NULL when it has none). */
static const char *st_text(json_t *doc, size_t *len)
{
	static const char *const paths[] = { "choices.0.text", "choices.0.message.content",
					     "choices.0.delta.content" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		json_t *t = st_path(doc, paths[i]);

		if (json_is_string(t)) {
			*len = json_string_length(t);
			return json_string_value(t);
		}
	}
	return NULL;
}

/* Print a member: strings raw, anything else as JSON. */
static int st_print(json_t *v, const char *path)
{
	char *s;

	if (!v) {
		fprintf(stderr, "serve_text: no member '%s'\n", path);
		return 1;
	}
	if (json_is_string(v)) {
		fwrite(json_string_value(v), 1, json_string_length(v), stdout);
		return 0;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	fputs(s ? s : "?", stdout);
	free(s);
	return 0;
}

/* A stream: every event a chunk, one finish_reason, then [DONE]. */
static int st_stream(FILE *f, const char *field)
{
	char *line = NULL;
	size_t cap = 0, n_finish = 0, n_chunks = 0;
	ssize_t n;
	int done = 0, rc = 0;
	json_t *last = NULL;

	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		json_error_t err;
		json_t *doc, *fin;
		const char *text;
		size_t len;

		if (n <= 1)
			continue;
		if (done || strncmp(line, "data: ", 6)) {
			fprintf(stderr, "serve_text: unexpected line after %zu chunks: %s",
				n_chunks, line);
			rc = 1;
			break;
		}
		if (!strcmp(line, "data: [DONE]\n")) {
			done = 1;
			continue;
		}
		doc = json_loads(line + 6, 0, &err);
		if (!doc) {
			fprintf(stderr, "serve_text: chunk %zu: %s\n", n_chunks, err.text);
			rc = 1;
			break;
		}
		n_chunks++;
		fin = st_path(doc, "choices.0.finish_reason");
		n_finish += json_is_string(fin);
		text = st_text(doc, &len);
		if (!field && text)
			fwrite(text, 1, len, stdout);
		json_decref(last);
		last = doc;
	}
	free(line);
	if (!rc && (!done || n_finish != 1 || !last ||
		    !json_is_string(st_path(last, "choices.0.finish_reason")))) {
		fprintf(stderr, "serve_text: stream of %zu chunks, %zu with a finish_reason "
			"(1 wanted, in the last), %s [DONE]\n", n_chunks, n_finish,
			done ? "with" : "without");
		rc = 1;
	}
	if (!rc && field)
		rc = st_print(st_path(last, field), field);
	json_decref(last);
	return rc;
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *doc;
	FILE *f;
	int c, rc;

	if (argc < 3 || (strcmp(argv[1], "text") && strcmp(argv[1], "field")) ||
	    (!strcmp(argv[1], "field") && argc < 4)) {
		fprintf(stderr, "usage: serve_text text FILE | serve_text field FILE PATH\n");
		return 2;
	}
	f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	c = fgetc(f);
	ungetc(c, f);
	if (c == 'd') {
		rc = st_stream(f, argc > 3 ? argv[3] : NULL);
		fclose(f);
		return rc;
	}
	doc = json_loadf(f, 0, &err);
	fclose(f);
	if (!doc) {
		fprintf(stderr, "serve_text: %s: not JSON: %s\n", argv[2], err.text);
		return 1;
	}
	if (argc > 3) {
		rc = st_print(st_path(doc, argv[3]), argv[3]);
	} else {
		size_t len;
		const char *text = st_text(doc, &len);

		rc = text ? 0 : 1;
		if (text)
			fwrite(text, 1, len, stdout);
		else
			fprintf(stderr, "serve_text: %s holds no generated text\n", argv[2]);
	}
	json_decref(doc);
	return rc;
}
