/*
 * Measures this CPU's fp32 FMA peak: every core runs independent chains of vector FMAs (12
 * accumulators, enough to cover the FMA latency), AVX-512 and AVX2 separately. If the 512-bit
 * loop is no faster than the 256-bit one, the cores run AVX-512 on 256-bit units (AMD Zen 4).
 * Use the all-cores figure as the benchmark's measured peak:
 *
 *   cc -O2 -march=native -pthread apps/bench/scripts/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak
 *   MSFLOW_PEAK_GFLOPS=<all cores> node apps/bench/dist/main.js --train-step
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define ITERS 100000000L
#define CHAINS 12

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static volatile float sink;

#ifdef __AVX512F__
static void *loop512(void *arg) {
  __m512 a[CHAINS], b = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  for (long k = 0; k < ITERS; k++)
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], b, c);
  float s = 0, t[16];
  for (int i = 0; i < CHAINS; i++) { _mm512_storeu_ps(t, a[i]); s += t[0]; }
  sink = s;
  return arg;
}
#endif

#ifdef __FMA__
static void *loop256(void *arg) {
  __m256 a[CHAINS], b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps((float)i);
  for (long k = 0; k < ITERS; k++)
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm256_fmadd_ps(a[i], b, c);
  float s = 0, t[8];
  for (int i = 0; i < CHAINS; i++) { _mm256_storeu_ps(t, a[i]); s += t[0]; }
  sink = s;
  return arg;
}
#endif

/* GFLOP/s of `threads` cores running `fn` at once, the best of 3 runs (other load only slows it). */
static double run(void *(*fn)(void *), int lanes, int threads) {
  pthread_t ids[256];
  double best = 0;
  for (int r = 0; r < 3; r++) {
    double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, fn, NULL);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    double g = (double)ITERS * CHAINS * lanes * 2 * threads / (now() - t0) / 1e9;
    if (g > best) best = g;
  }
  return best;
}

int main(void) {
  int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (cores > 256) cores = 256;
#ifdef __AVX512F__
  printf("AVX-512 FMA: %.1f GFLOP/s on 1 core, %.1f GFLOP/s on all %d cores\n", run(loop512, 16, 1), run(loop512, 16, cores), cores);
#endif
#ifdef __FMA__
  printf("AVX2 FMA:    %.1f GFLOP/s on 1 core, %.1f GFLOP/s on all %d cores\n", run(loop256, 8, 1), run(loop256, 8, cores), cores);
#else
  printf("built without FMA: compile with -march=native on a CPU that has it\n");
#endif
  return 0;
}
