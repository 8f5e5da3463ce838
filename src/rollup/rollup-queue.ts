/**
 * The roll-up queue ("<REDIS_PREFIX>:rollup:…"): its job contract, how to open it, the nightly
 * schedulers, and the RollupScheduler the API hands to commands through the context.
 */
import { type JobsOptions, Queue } from "bullmq";
import type { Config } from "../config/env";
import { openQueue, QUEUE_NAMES } from "../queue/queues";
import type { RollupScheduler } from "../shared/context";
import { REBUILD_PROGRESS, type RebuildProgressPayload } from "./jobs/rebuild-progress.job";
import { ROLLUP_UNIT, rollupDedupId, type RollupUnitPayload } from "./jobs/rollup-unit.job";
import { SNAPSHOT_PROGRESS, type SnapshotProgressPayload } from "./jobs/snapshot-progress.job";

export interface RollupJobs {
  [ROLLUP_UNIT]: RollupUnitPayload;
  [REBUILD_PROGRESS]: RebuildProgressPayload;
  [SNAPSHOT_PROGRESS]: SnapshotProgressPayload;
}
export type RollupJobName = keyof RollupJobs;
export type RollupJobData = RollupJobs[RollupJobName];
export type RollupQueue = Queue<RollupJobData, unknown, RollupJobName>;

export function createRollupQueue(
  config: Pick<Config, "redisUrl" | "redisPrefix">,
  role: "worker" | "producer",
): RollupQueue {
  // A refused enqueue is caught up by the nightly rebuild.
  return openQueue<RollupJobData, RollupJobName>(QUEUE_NAMES.rollup, config, role);
}

const UNIT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 500 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600 },
};

/**
 * Adds one roll-up job per unit in one round trip. A unit with a job still waiting gets no second
 * one (deduplication id `unit-<id>`): a burst of changes costs one roll-up. Never throws and never
 * waits more than `timeoutMs`; false when Redis did not take them (the nightly rebuild catches up).
 */
export async function enqueueUnitRollups(
  queue: RollupQueue,
  unitIds: readonly number[],
  timeoutMs = 2000,
): Promise<boolean> {
  const ids = [...new Set(unitIds)];
  if (ids.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const added = queue
    .addBulk(
      ids.map((unitId) => ({
        name: ROLLUP_UNIT,
        data: { unitId },
        opts: { ...UNIT_JOB_OPTIONS, deduplication: { id: rollupDedupId(unitId) } },
      })),
    )
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([added, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The RollupScheduler of the API context (src/shared/context.ts). */
export function createRollupScheduler(queue: RollupQueue): RollupScheduler {
  return { unitsChanged: (unitIds) => enqueueUnitRollups(queue, unitIds) };
}

const SCHEDULED: JobsOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 10_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * The nightly full rebuild (00:05, plan time zone: timeliness classes move at midnight) and the
 * daily snapshot (23:55). Upserting is idempotent: every worker start may call it.
 */
export async function upsertRollupSchedulers(queue: RollupQueue, timeZone: string): Promise<void> {
  await queue.upsertJobScheduler(
    REBUILD_PROGRESS,
    { pattern: "0 5 0 * * *", tz: timeZone },
    { name: REBUILD_PROGRESS, data: {}, opts: SCHEDULED },
  );
  await queue.upsertJobScheduler(
    SNAPSHOT_PROGRESS,
    { pattern: "0 55 23 * * *", tz: timeZone },
    { name: SNAPSHOT_PROGRESS, data: {}, opts: SCHEDULED },
  );
}
