/*
 * The pcc work unit in C, for the pcc benchmark's control: the same sweep as apps/pcc/src/loadtest/work-unit.ts
 * (512 Ki uint64 elements, 17 add/OR steps per element on an accumulator carried across elements, then
 * mem[k] = (mem[k] + k) ^ acc), run flat out on N threads for S seconds. Prints units per CPU-second of the process.
 * If this program's speed moves as much as the agent's from window to window, the host moved, not the agent.
 *
 * usage: unit THREADS SECONDS
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ELEMENTS (512 * 1024)
#define START 0xaa55aa55ULL
#define MASK 0x55aa55aaULL
#define STEPS 17
#define MAX_THREADS 1024

static uint64_t mem[ELEMENTS];
static volatile long counts[MAX_THREADS];
static volatile int stop;

static void unit(void) {
  uint64_t acc = 0;
  for (uint64_t k = 0; k < ELEMENTS; k++) {
    for (uint64_t i = START; i < START + STEPS; i++) {
      acc = (acc + i) | MASK;
      __asm__ volatile("" : "+r"(acc)); /* keep the chain: the compiler may not fold the 17 steps */
    }
    mem[k] = (mem[k] + k) ^ acc;
  }
}

static void *worker(void *arg) {
  long id = (long)arg;
  while (!stop) {
    unit();
    counts[id]++;
  }
  return NULL;
}

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long total(int n) {
  long sum = 0;
  for (int i = 0; i < n; i++) sum += counts[i];
  return sum;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: unit THREADS SECONDS\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  double seconds = atof(argv[2]);
  if (threads < 1 || threads > MAX_THREADS || seconds <= 0) {
    fprintf(stderr, "THREADS must be 1-%d and SECONDS positive\n", MAX_THREADS);
    return 2;
  }
  pthread_t ids[MAX_THREADS];
  for (long i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, (void *)i);
  /* Half a second to get every thread going before the window opens. */
  struct timespec settle = {0, 500000000L};
  nanosleep(&settle, NULL);
  long u0 = total(threads);
  double c0 = cpu_seconds();
  struct timespec window = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  nanosleep(&window, NULL);
  long u1 = total(threads);
  double c1 = cpu_seconds();
  stop = 1;
  for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
  printf("%.2f\n", (double)(u1 - u0) / (c1 - c0));
  return 0;
}
