/*
 * The C reference loop of the suite's memory benchmark (apps/pcc/src/bench/memory.ts): over a buffer of argv[1]
 * bytes for argv[2] seconds each, read (32-bit words summed in four accumulators), write (a store loop) and copy
 * (memcpy of one half onto the other, counted as bytes read plus written, as STREAM counts its copy); prints GB/s
 * (1e9 bytes a second). Compiled with `gcc -O3` (loops vectorised, as C would be shipped; at -O2 gcc 12 leaves the
 * store loop scalar, at half the speed) by memory.test.ts and bench/suite.bench.ts.
 *
 * usage: membw BYTES SECONDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
  size_t bytes = (size_t)atoll(argv[1]); double secs = atof(argv[2]);
  int32_t *a = aligned_alloc(4096, bytes); memset(a, 1, bytes);
  size_t n = bytes / 4; volatile int32_t sink = 0; double t0, t; long passes;
  t0 = now(); passes = 0;
  do { int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
       for (size_t i = 0; i < n; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
       sink += s0 + s1 + s2 + s3; passes++; t = now(); } while (t - t0 < secs);
  printf("read %f\n", passes * (double)bytes / (t - t0) / 1e9);
  t0 = now(); passes = 0;
  do { for (size_t i = 0; i < n; i++) a[i] = (int32_t)passes; passes++; t = now(); } while (t - t0 < secs);
  printf("write %f\n", passes * (double)bytes / (t - t0) / 1e9);
  t0 = now(); passes = 0;
  do { memcpy((char *)a + bytes / 2, a, bytes / 2); passes++; t = now(); } while (t - t0 < secs);
  printf("copy %f\n", passes * (double)bytes / (t - t0) / 1e9);
  return sink == 42;
}
