/**
 * The reminders queue: its job contract (name → payload, checked by the compiler for producers and
 * the worker alike), how to open it, the reconciler's job scheduler, and the after-commit hook the
 * workflow commands call.
 */
import { type Job, type JobsOptions, Queue } from "bullmq";
import type { Config } from "../config/env";
import type { UnitOfWork } from "../db/transaction";
import { openQueue, QUEUE_NAMES } from "../queue/queues";
import { type EnqueueSendJobs, RECONCILE_REMINDERS, type ReconcilePayload } from "./jobs/reconcile.job";
import { SEND_REMINDER, type SendReminderPayload } from "./jobs/send-reminder.job";
import { packSendJobs, SEND_REMINDERS, type SendRemindersPayload } from "./jobs/send-reminders.job";
import {
  DELIVER_WEBHOOK,
  deliverWebhookJobId,
  type DeliverWebhookPayload,
} from "../notifications/jobs/deliver-webhook.job";
import {
  type EnqueuePreferenceJobs,
  SEND_DIGEST,
  SEND_REMINDER_EMAIL,
  type SendDigestPayload,
  type SendReminderEmailPayload,
} from "./preferences/email-jobs";

export interface ReminderJobs {
  [SEND_REMINDER]: SendReminderPayload;
  [SEND_REMINDERS]: SendRemindersPayload;
  [RECONCILE_REMINDERS]: ReconcilePayload;
  [DELIVER_WEBHOOK]: DeliverWebhookPayload;
  [SEND_REMINDER_EMAIL]: SendReminderEmailPayload;
  [SEND_DIGEST]: SendDigestPayload;
}
export type ReminderJobName = keyof ReminderJobs;
export type ReminderJobData = ReminderJobs[ReminderJobName];
export type ReminderQueue = Queue<ReminderJobData, unknown, ReminderJobName>;

/**
 * Opens the reminders queue ("<REDIS_PREFIX>:reminders:…"). `worker`: rides out Redis restarts
 * (the worker process); `producer`: fails fast (inside an API request).
 */
export function createReminderQueue(
  config: Pick<Config, "redisUrl" | "redisPrefix">,
  role: "worker" | "producer",
): ReminderQueue {
  return openQueue<ReminderJobData, ReminderJobName>(QUEUE_NAMES.reminders, config, role);
}

/** Adds one job; the compiler checks that `data` is the payload of `name`. */
export function addReminderJob<N extends ReminderJobName>(
  queue: ReminderQueue,
  name: N,
  data: ReminderJobs[N],
  opts?: JobsOptions,
): Promise<Job<ReminderJobData, unknown, ReminderJobName>> {
  return queue.add(name, data, opts);
}

/**
 * The reconciler's way onto the queue: reminders sharing an instant packed into send-reminders
 * batches (packSendJobs), then addBulk in slices (one round trip per slice).
 */
export function enqueueOn(queue: ReminderQueue): EnqueueSendJobs {
  return async (reminders) => {
    const jobs = packSendJobs(reminders);
    for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  };
}

/** Quiet-hours e-mails and digests onto the queue: addBulk in slices. */
export function enqueuePreferenceJobsOn(queue: ReminderQueue): EnqueuePreferenceJobs {
  return async (jobs) => {
    for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  };
}

export const RECONCILE_EVERY_MS = 5 * 60 * 1000;

const RECONCILE_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600 },
};

/**
 * Registers the reconciler as a BullMQ job scheduler (id "reconcile-reminders"), every 5 minutes;
 * its first run is right away. Upserting is idempotent: every worker start may call it.
 */
export async function upsertReconcileScheduler(
  queue: ReminderQueue,
  everyMs: number = RECONCILE_EVERY_MS,
): Promise<void> {
  await queue.upsertJobScheduler(
    RECONCILE_REMINDERS,
    { every: everyMs },
    { name: RECONCILE_REMINDERS, data: {}, opts: RECONCILE_OPTIONS },
  );
}

/**
 * Re-registers the scheduler when Redis no longer has it (emptied by FLUSHALL or a failover to an
 * empty replica): the worker calls it every minute. Returns true when it had to.
 */
export async function ensureReconcileScheduler(
  queue: ReminderQueue,
  everyMs: number = RECONCILE_EVERY_MS,
): Promise<boolean> {
  if (await queue.getJobScheduler(RECONCILE_REMINDERS)) return false;
  await upsertReconcileScheduler(queue, everyMs);
  return true;
}

/** Adds one reconcile job per assignment in one round trip; true when Redis took them in time. */
async function addReconcileJobs(
  queue: ReminderQueue,
  ids: number[],
  timeoutMs: number,
  rid?: string,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const added = queue
    .addBulk(
      ids.map((assignmentId) => ({
        name: RECONCILE_REMINDERS,
        data: rid === undefined ? { assignmentId } : { assignmentId, rid },
        opts: RECONCILE_OPTIONS,
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

/**
 * Re-derives one assignment's reminders soon, after its change committed (`rid`: the request ID
 * of the API request, carried in the job for the worker's logs): call it from
 * `uow.afterCommit` when an assignment is created, changes status or gets a new due date. Never
 * throws and never waits more than `timeoutMs`: when Redis refuses, it returns false and the
 * scheduled reconciler catches up within 5 minutes, so a committed change never fails for it.
 */
export function scheduleAssignmentReminders(
  queue: ReminderQueue,
  assignmentId: number,
  opts: { timeoutMs?: number; rid?: string } = {},
): Promise<boolean> {
  return addReconcileJobs(queue, [assignmentId], opts.timeoutMs ?? 2000, opts.rid);
}

/**
 * One line for a command: after `uow` commits, re-derive the reminders of these assignments (one
 * Redis round trip for all of them). A null queue (a process without one) does nothing; the
 * scheduled reconciler catches up anyway.
 */
export function scheduleRemindersAfterCommit(
  uow: Pick<UnitOfWork, "afterCommit">,
  queue: ReminderQueue | null | undefined,
  assignmentIds: Iterable<number>,
): void {
  const ids = [...new Set(assignmentIds)];
  if (!queue || ids.length === 0) return;
  uow.afterCommit(async () => {
    await addReconcileJobs(queue, ids, 2000);
  });
}

/**
 * Puts webhook deliveries on the queue (one job each, id webhook-<id>[-<retry>], retried with
 * exponential backoff up to `maxAttempts`). Never throws and never waits more than `timeoutMs`:
 * false when Redis did not take them (the rows stay pending in MariaDB).
 */
export async function enqueueWebhookDeliveries(
  queue: ReminderQueue,
  deliveryIds: readonly number[],
  opts: { maxAttempts: number; backoffMs: number; retry?: number; timeoutMs?: number; rid?: string },
): Promise<boolean> {
  if (deliveryIds.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), opts.timeoutMs ?? 2000);
  });
  const added = queue
    .addBulk(
      deliveryIds.map((deliveryId) => ({
        name: DELIVER_WEBHOOK,
        data: opts.rid === undefined ? { deliveryId } : { deliveryId, rid: opts.rid },
        opts: {
          jobId: deliverWebhookJobId(deliveryId, opts.retry),
          attempts: opts.maxAttempts,
          backoff: { type: "exponential", delay: opts.backoffMs },
          removeOnComplete: true,
          removeOnFail: { age: 24 * 3600 },
        },
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
