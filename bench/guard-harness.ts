/**
 * A small, careful microbenchmark harness: each contender is warmed up and calibrated to a batch that
 * takes about `roundMs`, then all contenders run their batches interleaved, round after round, so a burst
 * of background load hits every contender alike. The result is the median µs/op over the rounds.
 */
export type Contender = {
  readonly name: string;
  /** One operation. Sync contenders are called without `await`, so their figure carries no promise cost. */
  readonly run: () => unknown;
  readonly async: boolean;
};

export type HarnessOptions = {
  /** Measured rounds per contender, default 9. */
  rounds?: number;
  /** Target duration of one measured batch, default 100 ms. */
  roundMs?: number;
  /** Warm-up (JIT, caches) before calibration, default 200 ms. */
  warmupMs?: number;
};

export type Measurement = {
  readonly name: string;
  /** Median µs per operation over the rounds. */
  readonly microseconds: number;
  /** Operations per second at the median. */
  readonly opsPerSecond: number;
  /** Every round's µs/op, for the spread. */
  readonly samples: readonly number[];
};

async function runBatch(contender: Contender, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  if (contender.async) {
    for (let i = 0; i < count; i++) await contender.run();
  } else {
    for (let i = 0; i < count; i++) contender.run();
  }
  return Number(process.hrtime.bigint() - start) / 1e3; // µs
}

/** How many operations fit in `ms`, measured by running in growing batches. */
async function calibrate(contender: Contender, ms: number): Promise<number> {
  let count = 1;
  let elapsed = 0;
  let done = 0;
  while (elapsed < ms * 1000) {
    elapsed += await runBatch(contender, count);
    done += count;
    count *= 2;
  }
  return done / (elapsed / 1000); // ops per ms
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Measures every contender; the order of contenders rotates each round. */
export async function measure(contenders: readonly Contender[], options: HarnessOptions = {}): Promise<Measurement[]> {
  const { rounds = 9, roundMs = 100, warmupMs = 200 } = options;
  const batches = new Map<string, number>();
  for (const contender of contenders) {
    const opsPerMs = await calibrate(contender, warmupMs);
    batches.set(contender.name, Math.max(1, Math.round(opsPerMs * roundMs)));
  }
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length]!;
      const count = batches.get(contender.name)!;
      samples.get(contender.name)!.push((await runBatch(contender, count)) / count);
    }
  }
  return contenders.map((contender) => {
    const list = samples.get(contender.name)!;
    const microseconds = median(list);
    return { name: contender.name, microseconds, opsPerSecond: 1e6 / microseconds, samples: list };
  });
}
