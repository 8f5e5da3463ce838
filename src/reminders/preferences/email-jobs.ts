/**
 * The job contracts of the preference-driven e-mails: a reminder e-mail held back by the
 * recipient's quiet hours, and a user's daily digest. Ids, kinds and dates only; deterministic
 * job IDs (no ':'), so re-adding one (the reconciler does, every run) never makes a second job.
 */
import type { JobsOptions } from "bullmq";

export const SEND_REMINDER_EMAIL = "send-reminder-email" as const;
export const SEND_DIGEST = "send-digest" as const;

/** One reminder already delivered in the app, to be e-mailed to one recipient. */
export interface SendReminderEmailPayload {
  assignmentId: number;
  /** The reminder's kind (before_7, due_today, ext_pending_12, report_due_before_3, …). */
  kind: string;
  dueDate: string;
  userId: number;
}

/** The daily digest of one user for one local date. */
export interface SendDigestPayload {
  userId: number;
  /** The local date ("YYYY-MM-DD") the digest is for. */
  date: string;
}

export const PREFERENCE_EMAIL_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 26 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface QueuedJob<N extends string, D> {
  name: N;
  data: D;
  opts: JobsOptions;
}
export type ReminderEmailJob = QueuedJob<typeof SEND_REMINDER_EMAIL, SendReminderEmailPayload>;
export type DigestJob = QueuedJob<typeof SEND_DIGEST, SendDigestPayload>;
export type PreferenceEmailJob = ReminderEmailJob | DigestJob;
/** Puts these jobs on the reminders queue (the worker passes addBulk). */
export type EnqueuePreferenceJobs = (jobs: PreferenceEmailJob[]) => Promise<unknown>;

const delayUntil = (at: Date, now: Date) => Math.max(0, at.getTime() - now.getTime());

/** remail-<assignment>-<kind>-<dueDate>-<user>. */
export function reminderEmailJob(p: SendReminderEmailPayload, at: Date, now: Date): ReminderEmailJob {
  return {
    name: SEND_REMINDER_EMAIL,
    data: { assignmentId: p.assignmentId, kind: p.kind, dueDate: p.dueDate, userId: p.userId },
    opts: {
      ...PREFERENCE_EMAIL_OPTIONS,
      jobId: `remail-${p.assignmentId}-${p.kind}-${p.dueDate}-${p.userId}`,
      delay: delayUntil(at, now),
    },
  };
}

/** digest-<user>-<date>. */
export function digestJob(p: SendDigestPayload, at: Date, now: Date): DigestJob {
  return {
    name: SEND_DIGEST,
    data: { userId: p.userId, date: p.date },
    opts: { ...PREFERENCE_EMAIL_OPTIONS, jobId: `digest-${p.userId}-${p.date}`, delay: delayUntil(at, now) },
  };
}
