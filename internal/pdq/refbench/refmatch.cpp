// refmatch times Meta's C++ PDQ index code (index/mih.h MIH256 and its
// bruteForceQueryAll, and index/flat.h Flat) at distance 31 on the same
// entries and queries as sigap's BenchmarkMatch, read from a binary file:
//   uint64 n, uint64 q, n x [4]uint64 entries, q x [4]uint64 queries
// (little-endian; bit k of a hash is bit k%64 of word k/64, which is the
// memory layout of the reference's Hash256 w[16] on little-endian CPUs).
// Queries with an even index have a planted neighbour 0..31 bits away.
//
// Usage: refmatch FILE [BRUTE_QUERIES]
//
// Written for sigap; contains no code from facebook/ThreatExchange. The
// reference sources must be placed beside it (see README.md).
#include <pdq/cpp/index/flat.h>
#include <pdq/cpp/index/mih.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace ph = facebook::pdq::hashing;
namespace pi = facebook::pdq::index;

namespace {

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// statusKB reads a field such as VmRSS or VmHWM from /proc/self/status.
long statusKB(const char* field) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f)) {
    if (!strncmp(line, field, n) && line[n] == ':') v = atol(line + n + 1);
  }
  if (f) fclose(f);
  return v;
}

void readHashes(FILE* f, std::vector<ph::Hash256>& out, size_t n) {
  out.resize(n);
  for (size_t i = 0; i < n; i++) {
    uint64_t w[4];
    if (fread(w, 8, 4, f) != 4) throw std::runtime_error("short file");
    memcpy(out[i].w, w, 32);
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE [BRUTE_QUERIES]\n", argv[0]);
    return 2;
  }
  size_t bruteQueries = argc > 2 ? atoi(argv[2]) : 64;
  FILE* f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  uint64_t hdr[2];
  if (fread(hdr, 8, 2, f) != 2) return 1;
  std::vector<ph::Hash256> entries, queries;
  readHashes(f, entries, hdr[0]);
  readHashes(f, queries, hdr[1]);
  fclose(f);
  const int d = 31;
  printf("entries %zu, queries %zu, distance %d, popcnt %s\n", entries.size(),
         queries.size(), d,
#ifdef __POPCNT__
         "_mm_popcnt_u64"
#else
         "__builtin_popcount per 16-bit word"
#endif
  );

  long rss0 = statusKB("VmRSS");
  pi::MIH256<uint64_t> mih;
  double t0 = now();
  for (size_t i = 0; i < entries.size(); i++) mih.insert(entries[i], i);
  double build = now() - t0;
  long rss1 = statusKB("VmRSS");
  printf("mih256 build %.1f s (1 thread), RSS +%.0f MiB for the index (input array %.0f MiB kept apart), peak RSS so far %.0f MiB\n",
         build, (rss1 - rss0) / 1024.0, entries.size() * 32 / 1048576.0,
         statusKB("VmHWM") / 1024.0);

  // Recall check on the planted half.
  std::vector<std::pair<ph::Hash256, uint64_t>> matches;
  size_t found = 0;
  for (size_t i = 0; i < queries.size(); i += 2) {
    matches.clear();
    mih.queryAll(queries[i], d, matches);
    if (!matches.empty()) found++;
  }
  printf("planted neighbours found for %zu of %zu queries\n", found, queries.size() / 2);

  // MIH over all queries (the same 50/50 mix).
  size_t total = 0;
  t0 = now();
  for (auto& q : queries) {
    matches.clear();
    mih.queryAll(q, d, matches);
    total += matches.size();
  }
  double mihS = now() - t0;
  printf("mih256 queryAll: %zu queries in %.2f s -> %.1f queries/s (matches %zu)\n",
         queries.size(), mihS, queries.size() / mihS, total);

  // The reference's linear search (walks the MIH's own pair array).
  size_t bq = std::min(bruteQueries, queries.size());
  size_t totalB = 0;
  t0 = now();
  for (size_t i = 0; i < bq; i++) {
    matches.clear();
    mih.bruteForceQueryAll(queries[i], d, matches);
    totalB += matches.size();
  }
  double bS = now() - t0;
  printf("mih256 bruteForceQueryAll: %zu queries in %.2f s -> %.2f queries/s (matches %zu)\n",
         bq, bS, bq / bS, totalB);

  // flat.h: 8 needles per pass over a contiguous Hash256 array.
  size_t fq = (bq / 8) * 8;
  std::vector<std::pair<size_t, size_t>> fm;
  t0 = now();
  for (size_t i = 0; i < fq; i += 8) {
    std::array<ph::Hash256, 8> needles;
    for (int j = 0; j < 8; j++) needles[j] = queries[i + j];
    pi::Flat flat(needles);
    flat.queryAll(entries.data(), entries.size(), d, fm);
  }
  double fS = now() - t0;
  printf("flat queryAll (8 needles/pass): %zu queries in %.2f s -> %.2f queries/s (matches %zu)\n",
         fq, fS, fq / fS, fm.size());
  printf("peak RSS %.0f MiB\n", statusKB("VmHWM") / 1024.0);
  return 0;
}
