/*
 * hscompare: scan the same normalised posts with the same keyword patterns as
 * BenchmarkMatch, using Intel Hyperscan, and print the throughput.
 *
 * Patterns are compiled as literals " kw " (hs_compile_lit_multi) and each
 * post is scanned as " post ": whole-word matches, the hits the Go word
 * automaton reports (its tests check it against exactly this byte-level
 * formulation), so the hit counts must agree.
 *
 *   gcc -O2 -o hscompare hscompare.c $(pkg-config --cflags --libs libhs)
 *   ./hscompare patterns.txt posts.txt [rounds]
 */
#define _POSIX_C_SOURCE 199309L
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *slurp(const char *path, size_t *len) {
	FILE *f = fopen(path, "rb");
	if (!f) { perror(path); exit(1); }
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc(n + 1);
	if (fread(buf, 1, n, f) != (size_t)n) { perror("read"); exit(1); }
	buf[n] = 0;
	fclose(f);
	*len = n;
	return buf;
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx) {
	(void)id; (void)from; (void)to; (void)flags;
	(*(unsigned long long *)ctx)++;
	return 0;
}

static double cpu_now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: %s patterns.txt posts.txt [rounds]\n", argv[0]); return 2; }
	int rounds = argc > 3 ? atoi(argv[3]) : 10;
	size_t plen, tlen;
	char *pbuf = slurp(argv[1], &plen), *tbuf = slurp(argv[2], &tlen);

	/* Patterns: one per line, padded with spaces. */
	size_t np = 0;
	for (size_t i = 0; i < plen; i++) np += pbuf[i] == '\n';
	char **pats = malloc(np * sizeof *pats);
	size_t *lens = malloc(np * sizeof *lens);
	unsigned *ids = malloc(np * sizeof *ids), *flags = malloc(np * sizeof *flags);
	size_t k = 0;
	for (char *line = strtok(pbuf, "\n"); line && k < np; line = strtok(NULL, "\n"), k++) {
		size_t l = strlen(line);
		pats[k] = malloc(l + 2);
		pats[k][0] = ' ';
		memcpy(pats[k] + 1, line, l);
		pats[k][l + 1] = ' ';
		lens[k] = l + 2;
		ids[k] = k;
		flags[k] = 0;
	}
	np = k;

	/* Posts: one per line, padded with spaces, into one buffer. */
	size_t nposts = 0;
	for (size_t i = 0; i < tlen; i++) nposts += tbuf[i] == '\n';
	char **posts = malloc(nposts * sizeof *posts);
	size_t *plens = malloc(nposts * sizeof *plens);
	size_t total = 0;
	k = 0;
	char *p = tbuf;
	while (k < nposts) {
		char *nl = memchr(p, '\n', tbuf + tlen - p);
		size_t l = nl - p;
		posts[k] = malloc(l + 2);
		posts[k][0] = ' ';
		memcpy(posts[k] + 1, p, l);
		posts[k][l + 1] = ' ';
		plens[k] = l + 2;
		total += l; /* bytes of text, as the Go benchmark counts them */
		p = nl + 1;
		k++;
	}

	hs_database_t *db;
	hs_compile_error_t *err;
	double t0 = cpu_now();
	if (hs_compile_lit_multi((const char *const *)pats, flags, ids, lens, np, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
		fprintf(stderr, "compile: %s\n", err->message);
		return 1;
	}
	double tc = cpu_now() - t0;
	size_t dbsize = 0;
	hs_database_size(db, &dbsize);
	hs_scratch_t *scratch = NULL;
	hs_alloc_scratch(db, &scratch);

	unsigned long long hits = 0;
	double best = 1e9;
	for (int r = 0; r < rounds; r++) {
		hits = 0;
		double s = cpu_now();
		for (size_t i = 0; i < nposts; i++)
			hs_scan(db, posts[i], plens[i], 0, scratch, on_match, &hits);
		double d = cpu_now() - s;
		if (d < best) best = d;
	}
	char info[256] = "";
	char *inf = NULL;
	if (hs_database_info(db, &inf) == HS_SUCCESS) { snprintf(info, sizeof info, "%s", inf); free(inf); }
	printf("hyperscan %s\npatterns %zu posts %zu bytes %zu\ncompile %.3f s, database %.2f MB\nhits %llu\nbest of %d: %.1f cpuMB/s\n",
	       info, np, nposts, total, tc, dbsize / 1e6, hits, rounds, total / best / 1e6);
	return 0;
}
