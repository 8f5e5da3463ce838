import type { DataSource } from "typeorm";
import type { Mailer } from "../notifications/email";
import type { Clock } from "../shared/clock";
import type { LiveEvent } from "../shared/live";
import type { Logger } from "../shared/logger";
import type { EnqueuePreferenceJobs } from "./preferences/email-jobs";

/** What the reminder job handlers need; the worker builds it once, tests build their own. */
export interface ReminderDeps {
  ds: DataSource;
  /** "Now" for every decision (tests set it; production reads the system clock). */
  clock: Clock;
  /** The plans' time zone (TZ_PLAN, Asia/Ho_Chi_Minh). */
  timeZone: string;
  /** How far ahead the reconciler puts reminders on the queue. */
  lookaheadHours: number;
  /** The e-mail channel (SMTP_URL); absent or null: reminders go in the app only. */
  mailer?: Mailer | null;
  /**
   * Puts webhook deliveries (an overdue rung's, or pending ones the reconciler finds) on the queue
   * under job id webhook-<id>[-<retry>]; never throws. Absent: they stay pending.
   */
  enqueueWebhooks?: (deliveryIds: readonly number[], opts?: { retry?: number }) => Promise<unknown>;
  /** How long a pending webhook delivery may sit untouched before the reconciler queues it again (2 min). */
  webhookRequeueAfterMs?: number;
  /** Retries of webhook deliveries this worker enqueues (WEBHOOK_MAX_ATTEMPTS, WEBHOOK_BACKOFF_MS). */
  webhookRetry?: { maxAttempts: number; backoffMs: number };
  /**
   * Puts quiet-hour-delayed reminder e-mails and digests on the queue (preferences/email-jobs.ts).
   * Absent, or when it fails: the reconciler re-derives them from MariaDB on its next run.
   */
  enqueuePreferenceJobs?: EnqueuePreferenceJobs;
  /** Publishes new in-app notifications to live subscribers after commit (notifications/live.ts); never throws. */
  live?: (events: readonly LiveEvent[]) => Promise<void>;
  logger?: Logger;
  /** How long send jobs reuse the working calendar they read (calendar-cache.ts); 0 or absent: never. */
  calendarCacheMs?: number;
}

/** A reminder job may run this much before its instant (clocks of two machines differ). */
export const EARLY_TOLERANCE_MS = 10 * 60 * 1000;
/** Reminders missed by less than this are still sent (the reconciler looks one day back). */
export const CATCH_UP_MS = 24 * 60 * 60 * 1000;
/** A reminder this late is no longer worth sending ("3 days left" when the deadline is past). */
export const STALE_AFTER_MS = CATCH_UP_MS + 60 * 60 * 1000;

/**
 * A pending webhook delivery untouched for this long (and past its next attempt) is taken as never
 * queued: its enqueue failed (Redis down at commit) or Redis lost the job.
 */
export const WEBHOOK_REQUEUE_AFTER_MS = 2 * 60 * 1000;
