import type { EntityManager } from "typeorm";
import { isReminderKind } from "../ladder";
import { EmailMode } from "./notification-preferences.entity";
import { type EnqueuePreferenceJobs, reminderEmailJob, type ReminderEmailJob } from "./email-jobs";
import { emailAllowedAt, type Preferences } from "./preferences";
import { loadPreferences } from "./preferences.store";

export interface RoutedEmails {
  /** Recipients to e-mail right away (ascending ids). */
  now: number[];
  /** Recipients in their quiet hours: a delayed job each, due at the end of those hours. */
  later: ReminderEmailJob[];
}

/**
 * Whether a recipient gets a reminder's e-mail, and when:
 * - e-mail off: never (the in-app notification is all they get);
 * - daily digest, and the reminder is a deadline rung (before_N, due_today, overdue_N,
 *   escalation): not on its own, the digest lists the work instead. Extension and report
 *   reminders are not in the digest, so they are still e-mailed;
 * - otherwise now, or at the end of the recipient's quiet hours when `at` falls in them.
 */
export function emailRoute(kind: string, prefs: Preferences, at: Date, timeZone: string): Date | null {
  if (!prefs.emailEnabled) return null;
  if (prefs.emailMode === EmailMode.DIGEST && isReminderKind(kind)) return null;
  return emailAllowedAt(at, prefs, timeZone);
}

/**
 * Records the e-mails quiet hours held back (deferred_email, the reconciler's source after Redis
 * lost their jobs), then puts their delayed jobs on the queue when it can (never throws for it).
 */
export async function deferEmails(
  m: EntityManager,
  jobs: readonly ReminderEmailJob[],
  enqueue: EnqueuePreferenceJobs | undefined,
  now: Date,
): Promise<void> {
  if (jobs.length === 0) return;
  await m.query(
    `INSERT IGNORE INTO deferred_email (assignment_id, kind, due_date, user_id, send_at)
     VALUES ${jobs.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
    jobs.flatMap((j) => [
      j.data.assignmentId,
      j.data.kind,
      j.data.dueDate,
      j.data.userId,
      new Date(now.getTime() + (j.opts.delay ?? 0)),
    ]),
  );
  if (enqueue) await enqueue([...jobs]).catch(() => undefined);
}

/** Splits a reminder's recipients by their preferences as of `now` (see emailRoute). */
export async function routeReminderEmails(
  m: EntityManager,
  r: { assignmentId: number; kind: string; dueDate: string },
  recipientUserIds: readonly number[],
  now: Date,
  timeZone: string,
): Promise<RoutedEmails> {
  const prefs = await loadPreferences(m, recipientUserIds);
  const out: RoutedEmails = { now: [], later: [] };
  for (const userId of recipientUserIds) {
    const at = emailRoute(r.kind, prefs.get(userId)!, now, timeZone);
    if (at === null) continue;
    if (at.getTime() <= now.getTime()) out.now.push(userId);
    else out.later.push(reminderEmailJob({ ...r, userId }, at, now));
  }
  return out;
}
