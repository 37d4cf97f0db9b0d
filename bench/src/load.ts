/** Result of a closed-loop load run. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  /** Per-request latency in microseconds. */
  readonly latenciesUs: number[];
  readonly firstError?: string;
}

/**
 * Closed-loop load: `concurrency` workers each send a request, wait for the answer and send the
 * next, for `durationMs` after a `warmupMs` period whose samples are discarded.
 */
export async function closedLoop(
  send: () => Promise<unknown>,
  { concurrency, durationMs, warmupMs }: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let requests = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      try {
        await send();
        const t1 = performance.now();
        if (t0 >= measureFrom) {
          latencies.push((t1 - t0) * 1000);
          requests++;
        }
      } catch (err) {
        if (t0 >= measureFrom) errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const result: LoadResult = { requests, errors, seconds: durationMs / 1000, latenciesUs: latencies };
  return firstError ? { ...result, firstError } : result;
}
