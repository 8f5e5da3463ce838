/**
 * The roll-up worker: job name → handler, concurrency, the nightly schedulers and an orderly
 * close. Built here (not in workers/) so tests and the benchmark start the real thing.
 */
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Config } from "../config/env";
import { bullConnection, QUEUE_NAMES, queuePrefix } from "../queue/queues";
import type { Logger } from "../shared/logger";
import {
  handleRebuildProgress,
  REBUILD_PROGRESS,
  type RebuildProgressPayload,
} from "./jobs/rebuild-progress.job";
import { handleRollupUnit, ROLLUP_UNIT, type RollupUnitPayload } from "./jobs/rollup-unit.job";
import { handleSnapshotProgress, SNAPSHOT_PROGRESS } from "./jobs/snapshot-progress.job";
import {
  createRollupQueue,
  type RollupJobData,
  type RollupJobName,
  type RollupQueue,
  upsertRollupSchedulers,
} from "./rollup-queue";
import type { RollupDeps } from "./rollup.service";

export type RollupWorker = Worker<RollupJobData, unknown, RollupJobName>;

export function processRollupJob(deps: RollupDeps) {
  return async (job: Job<RollupJobData, unknown, RollupJobName>): Promise<unknown> => {
    switch (job.name) {
      case ROLLUP_UNIT:
        // Release the deduplication id first: a change committed from now on needs a run of its
        // own, since this one may already have read the rows it touched.
        await job.removeDeduplicationKey();
        return handleRollupUnit(deps, job.data as RollupUnitPayload);
      case REBUILD_PROGRESS:
        return handleRebuildProgress(deps, job.data as RebuildProgressPayload);
      case SNAPSHOT_PROGRESS:
        return handleSnapshotProgress(deps);
      default:
        throw new UnrecoverableError(`No handler for job "${String(job.name)}"`);
    }
  };
}

export interface RollupServiceOptions {
  config: Pick<Config, "redisUrl" | "redisPrefix">;
  concurrency?: number;
  logger?: Logger;
  /** false: no nightly schedulers (tests, the benchmark). */
  schedule?: boolean;
}

export interface RollupService {
  queue: RollupQueue;
  worker: RollupWorker;
  close(): Promise<void>;
}

export async function startRollupService(
  deps: RollupDeps,
  opts: RollupServiceOptions,
): Promise<RollupService> {
  const queue = createRollupQueue(opts.config, "worker");
  if (opts.schedule !== false) await upsertRollupSchedulers(queue, deps.timeZone);
  const worker: RollupWorker = new Worker<RollupJobData, unknown, RollupJobName>(
    QUEUE_NAMES.rollup,
    processRollupJob(deps),
    {
      connection: bullConnection(opts.config.redisUrl, "worker"),
      prefix: queuePrefix(opts.config),
      concurrency: opts.concurrency ?? 2,
    },
  );
  worker.on("failed", (job, err) =>
    opts.logger?.warn(
      { jobId: job?.id, name: job?.name, attempts: job?.attemptsMade, err },
      "roll-up job failed",
    ),
  );
  worker.on("error", (err) => opts.logger?.error({ err }, "roll-up worker error"));
  await worker.waitUntilReady();
  let closing: Promise<void> | null = null;
  return {
    queue,
    worker,
    close() {
      closing ??= (async () => {
        await worker.close();
        await queue.close();
      })();
      return closing;
    },
  };
}
