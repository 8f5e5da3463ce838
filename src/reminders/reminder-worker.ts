/**
 * The reminders worker: which handler runs each job, how many at once, the reconciler's scheduler,
 * and an orderly close. Built here (not in workers/) so tests can start the real thing.
 */
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Config } from "../config/env";
import { bullConnection, QUEUE_NAMES, queuePrefix } from "../queue/queues";
import { handleReconcile, RECONCILE_REMINDERS, type ReconcilePayload } from "./jobs/reconcile.job";
import {
  handleSendReminder,
  SEND_REMINDER,
  type SendReminderPayload,
  sendReminderJob,
} from "./jobs/send-reminder.job";
import {
  earlyReminders,
  handleSendReminders,
  remindersOf,
  SEND_REMINDERS,
  type SendRemindersPayload,
  summarize,
} from "./jobs/send-reminders.job";
import { DELIVER_WEBHOOK, handleDeliverWebhook } from "../notifications/jobs/deliver-webhook.job";
import type { DeliverWebhookPayload } from "../notifications/jobs/deliver-webhook.job";
import type { ReminderDeps } from "./reminder-deps";
import { jobDuration, jobFailures } from "../shared/metrics";
import {
  SEND_DIGEST,
  SEND_REMINDER_EMAIL,
  type SendDigestPayload,
  type SendReminderEmailPayload,
} from "./preferences/email-jobs";
import { reconcilePreferenceEmails } from "./preferences/reconcile-preferences";
import { handleSendDigest } from "./preferences/send-digest.job";
import { handleSendReminderEmail } from "./preferences/send-reminder-email.job";
import { countGivenUp } from "./reminder-metrics";
import {
  createReminderQueue,
  enqueueOn,
  enqueuePreferenceJobsOn,
  enqueueWebhookDeliveries,
  ensureReconcileScheduler,
  type ReminderJobData,
  type ReminderJobName,
  type ReminderQueue,
  upsertReconcileScheduler,
} from "./reminder-queue";

export type ReminderWorker = Worker<ReminderJobData, unknown, ReminderJobName>;

export interface ReminderWorkerOptions {
  config: Pick<Config, "redisUrl" | "redisPrefix">;
  /** Jobs run at once in this process. */
  concurrency: number;
  /** The queue the reconciler adds send jobs to. */
  queue: ReminderQueue;
  /** false: call worker.run() yourself. */
  autorun?: boolean;
  /**
   * BullMQ's job lock (default 30 s) and how often stalled jobs are looked for (default 30 s): a
   * job whose worker died (SIGKILL, a lost machine) goes back to the queue within about the sum.
   * Tests shorten them; production keeps the defaults.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** Routes a job to its handler by name; the only place a payload is read as its name's type. */
export function processReminderJob(reminderDeps: ReminderDeps, queue: ReminderQueue) {
  const enqueuePreferenceJobs = reminderDeps.enqueuePreferenceJobs ?? enqueuePreferenceJobsOn(queue);
  const deps: ReminderDeps = {
    ...reminderDeps,
    enqueueWebhooks:
      reminderDeps.enqueueWebhooks ??
      ((ids, opts) =>
        enqueueWebhookDeliveries(queue, ids, {
          ...(reminderDeps.webhookRetry ?? { maxAttempts: 5, backoffMs: 1000 }),
          retry: opts?.retry,
        })),
    enqueuePreferenceJobs,
  };
  /** Not its time yet: the same job waits again until `fireAt` (then DelayedError tells BullMQ). */
  const waitUntil = async (
    job: Job<ReminderJobData, unknown, ReminderJobName>,
    fireAt: string,
    token?: string,
  ): Promise<never> => {
    const wait = Date.parse(fireAt) - deps.clock.now().getTime();
    await job.moveToDelayed(Date.now() + Math.max(0, wait), token);
    throw new DelayedError();
  };
  const run = async (
    deps: ReminderDeps,
    job: Job<ReminderJobData, unknown, ReminderJobName>,
    token?: string,
  ): Promise<unknown> => {
    switch (job.name) {
      case SEND_REMINDER: {
        const result = await handleSendReminder(deps, job.data as SendReminderPayload);
        if (result.status === "early") {
          // Not its time yet: the same job waits again until its rung's instant.
          const wait = Date.parse(result.fireAt) - deps.clock.now().getTime();
          await job.moveToDelayed(Date.now() + Math.max(0, wait), token);
          throw new DelayedError();
        }
        return result;
      }
      case SEND_REMINDERS: {
        const reminders = remindersOf(job.data as SendRemindersPayload);
        const results = await handleSendReminders(deps, reminders);
        const early = earlyReminders(reminders, results);
        if (early.length > 0 && early.length === reminders.length) {
          // None is due yet: the batch waits again until the first of them is.
          const first = Math.min(...early.map((e) => e.fireAt.getTime()));
          return waitUntil(job, new Date(first).toISOString(), token);
        }
        if (early.length > 0) {
          // Some are not due yet: they go back on the queue for their instant (deterministic ids,
          // so a retry of this batch adds nothing twice); the rest is done.
          const now = deps.clock.now();
          await enqueueOn(queue)(
            early.map((e) => ({ ...sendReminderJob(e.reminder, e.fireAt, now), fireAt: e.fireAt })),
          );
        }
        return summarize(results);
      }
      case RECONCILE_REMINDERS: {
        const data = job.data as ReconcilePayload;
        const result = await handleReconcile(deps, data, enqueueOn(queue));
        if (data.assignmentId !== undefined) return result;
        return { ...result, ...(await reconcilePreferenceEmails(deps, enqueuePreferenceJobs)) };
      }
      case SEND_REMINDER_EMAIL: {
        const result = await handleSendReminderEmail(deps, job.data as SendReminderEmailPayload);
        return result.status === "early" ? waitUntil(job, result.fireAt, token) : result;
      }
      case SEND_DIGEST: {
        const result = await handleSendDigest(deps, job.data as SendDigestPayload);
        return result.status === "early" ? waitUntil(job, result.fireAt, token) : result;
      }
      case DELIVER_WEBHOOK: {
        const backoff = job.opts.backoff;
        return handleDeliverWebhook(deps, job.data as DeliverWebhookPayload, {
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          backoffMs: typeof backoff === "number" ? backoff : (backoff?.delay ?? 0),
        });
      }
      default:
        throw new UnrecoverableError(`No handler for job "${String(job.name)}"`);
    }
  };
  // Each job logs through a child logger carrying its id, name and the request ID (rid) of the
  // API request that enqueued it, and is timed for ntm_job_duration_seconds.
  return async (job: Job<ReminderJobData, unknown, ReminderJobName>, token?: string): Promise<unknown> => {
    const rid = (job.data as { rid?: unknown }).rid;
    const log = deps.logger?.child({
      jobId: job.id,
      job: job.name,
      ...(typeof rid === "string" ? { rid } : {}),
    });
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    log?.debug({ attempt: job.attemptsMade + 1 }, "job started");
    try {
      const result = await run(log ? { ...deps, logger: log } : deps, job, token);
      const s = seconds();
      jobDuration.observe({ queue: QUEUE_NAMES.reminders, job: job.name, outcome: "completed" }, s);
      log?.info({ durationMs: Math.round(s * 1000) }, "job completed");
      return result;
    } catch (err) {
      const s = seconds();
      const delayed = err instanceof DelayedError;
      jobDuration.observe(
        { queue: QUEUE_NAMES.reminders, job: job.name, outcome: delayed ? "delayed" : "failed" },
        s,
      );
      if (delayed) log?.info({ durationMs: Math.round(s * 1000) }, "job delayed until its time");
      else log?.warn({ durationMs: Math.round(s * 1000), err }, "job attempt failed");
      throw err;
    }
  };
}

export function createReminderWorker(deps: ReminderDeps, opts: ReminderWorkerOptions): ReminderWorker {
  const worker: ReminderWorker = new Worker<ReminderJobData, unknown, ReminderJobName>(
    QUEUE_NAMES.reminders,
    processReminderJob(deps, opts.queue),
    {
      connection: bullConnection(opts.config.redisUrl, "worker"),
      prefix: queuePrefix(opts.config),
      concurrency: opts.concurrency,
      autorun: opts.autorun ?? true,
      ...(opts.lockDurationMs === undefined ? {} : { lockDuration: opts.lockDurationMs }),
      ...(opts.stalledIntervalMs === undefined ? {} : { stalledInterval: opts.stalledIntervalMs }),
    },
  );
  worker.on("failed", (job, err) => {
    const gaveUp = job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1);
    jobFailures.inc({ queue: QUEUE_NAMES.reminders, job: job?.name ?? "unknown", final: String(gaveUp) });
    if (!gaveUp) {
      deps.logger?.warn(
        { jobId: job?.id, name: job?.name, attempts: job?.attemptsMade, err },
        "reminder job failed",
      );
      return;
    }
    // The last attempt: BullMQ keeps the job (failed set, 7 days) and retries it no more. For a
    // send-reminder that means the in-app part is delivered but an e-mail is not: say it loudly.
    countGivenUp(job.name);
    deps.logger?.error(
      { jobId: job.id, name: job.name, attempts: job.attemptsMade, data: job.data, err },
      job.name === SEND_REMINDER || job.name === SEND_REMINDERS
        ? "reminder e-mail undelivered after every retry (in-app delivered); the job stays in the failed set"
        : "reminder job failed for good; it stays in the failed set",
    );
  });
  worker.on("error", (err) => deps.logger?.error({ err }, "reminder worker error"));
  return worker;
}

export interface ReminderService {
  queue: ReminderQueue;
  worker: ReminderWorker;
  /** Stops re-registering the scheduler (before a test obliterates the queue). */
  stopWatchdog(): void;
  /** Stops taking jobs, waits for the running ones to finish, then closes the queue. */
  close(): Promise<void>;
}

export interface ReminderServiceOptions extends Omit<ReminderWorkerOptions, "queue" | "autorun"> {
  /** How often the reconciler runs (default 5 minutes). */
  reconcileEveryMs?: number;
  /** How often the worker checks that Redis still has the scheduler (default 1 minute). */
  watchdogEveryMs?: number;
}

/**
 * The queue, the reconciler's scheduler (upserted, idempotent; re-registered by a watchdog when
 * Redis lost it) and the running worker.
 */
export async function startReminderService(
  deps: ReminderDeps,
  opts: ReminderServiceOptions,
): Promise<ReminderService> {
  const queue = createReminderQueue(opts.config, "worker");
  await upsertReconcileScheduler(queue, opts.reconcileEveryMs);
  const worker = createReminderWorker(deps, { ...opts, queue });
  await worker.waitUntilReady();
  let checking: Promise<void> | null = null;
  const watchdog = setInterval(() => {
    checking ??= ensureReconcileScheduler(queue, opts.reconcileEveryMs)
      .then((restored) => {
        if (restored)
          deps.logger?.warn("the reminders scheduler was missing from Redis: registered it again");
      })
      .catch((err: unknown) => deps.logger?.warn({ err }, "could not check the reminders scheduler"))
      .finally(() => {
        checking = null;
      });
  }, opts.watchdogEveryMs ?? 60_000);
  const stopWatchdog = () => clearInterval(watchdog);
  let closing: Promise<void> | null = null;
  return {
    queue,
    worker,
    stopWatchdog,
    close() {
      closing ??= (async () => {
        stopWatchdog();
        await checking;
        await worker.close();
        await queue.close();
      })();
      return closing;
    },
  };
}
