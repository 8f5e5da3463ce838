/**
 * The reconciler's share for preference-driven e-mails, re-derived from MariaDB on every full run
 * (reminder-worker.ts calls it after handleReconcile), so an emptied Redis loses none of them:
 * - the daily digests due in the window (from a day back to the lookahead) that have no
 *   digest_delivery row yet, as delayed send-digest jobs;
 * - reminder e-mails held back by quiet hours (deferred_email rows due in the same window) that
 *   have no e-mail delivery row yet, as send-reminder-email jobs delayed to their send_at.
 * Job IDs are deterministic, so re-adding what is already queued changes nothing.
 */
import { addDays, isWorkingDay } from "../../calendar/working-days";
import { localDate } from "../../shared/clock";
import { DeliveryChannel } from "../reminder-delivery.entity";
import { CATCH_UP_MS, type ReminderDeps } from "../reminder-deps";
import { loadCalendarExceptions } from "../reminder.store";
import {
  digestJob,
  type EnqueuePreferenceJobs,
  type PreferenceEmailJob,
  reminderEmailJob,
} from "./email-jobs";
import { digestInstant } from "./preferences";
import { digestSubscribers } from "./preferences.store";

export interface PreferenceReconcileResult {
  /** Digest jobs handed to the queue. */
  digests: number;
  /** Quiet-hours e-mail jobs handed to the queue. */
  deferredEmails: number;
}

export async function reconcilePreferenceEmails(
  deps: ReminderDeps,
  enqueue: EnqueuePreferenceJobs,
  now: Date = deps.clock.now(),
): Promise<PreferenceReconcileResult> {
  const result: PreferenceReconcileResult = { digests: 0, deferredEmails: 0 };
  if (!deps.mailer) return result; // no e-mail channel: nothing to send
  const m = deps.ds.manager;
  const from = now.getTime() - CATCH_UP_MS;
  const to = now.getTime() + deps.lookaheadHours * 3600 * 1000;
  const jobs: PreferenceEmailJob[] = [];

  const subscribers = await digestSubscribers(m);
  if (subscribers.length) {
    const calendar = await loadCalendarExceptions(m);
    const days: string[] = [];
    const lastDay = localDate(new Date(to), deps.timeZone);
    for (let d = localDate(new Date(from), deps.timeZone); d <= lastDay; d = addDays(d, 1)) days.push(d);
    const sent = new Set<string>(
      (
        (await m.query(
          `SELECT user_id, DATE_FORMAT(digest_date, '%Y-%m-%d') AS d FROM digest_delivery
           WHERE channel = ? AND digest_date BETWEEN ? AND ?`,
          [DeliveryChannel.EMAIL, days[0], days[days.length - 1]],
        )) as Array<{ user_id: number; d: string }>
      ).map((r) => `${Number(r.user_id)}|${r.d}`),
    );
    for (const { userId, prefs } of subscribers)
      for (const date of days) {
        if (!isWorkingDay(date, calendar) || sent.has(`${userId}|${date}`)) continue;
        const at = digestInstant(date, prefs, deps.timeZone);
        if (at.getTime() < from || at.getTime() > to) continue;
        jobs.push(digestJob({ userId, date }, at, now));
        result.digests += 1;
      }
  }

  const held: Array<Record<string, string | number | Date>> = await m.query(
    `SELECT x.assignment_id, x.kind, DATE_FORMAT(x.due_date, '%Y-%m-%d') AS due_date, x.user_id, x.send_at
     FROM deferred_email x
     WHERE x.send_at BETWEEN ? AND ?
       AND NOT EXISTS (SELECT 1 FROM reminder_delivery e
                       WHERE e.assignment_id = x.assignment_id AND e.kind = x.kind AND e.due_date = x.due_date
                         AND e.recipient_user_id = x.user_id AND e.channel = ?)
     ORDER BY x.id`,
    [new Date(from), new Date(to), DeliveryChannel.EMAIL],
  );
  for (const r of held) {
    jobs.push(
      reminderEmailJob(
        {
          assignmentId: Number(r.assignment_id),
          kind: String(r.kind),
          dueDate: String(r.due_date),
          userId: Number(r.user_id),
        },
        new Date(r.send_at as Date),
        now,
      ),
    );
    result.deferredEmails += 1;
  }
  if (jobs.length) await enqueue(jobs);
  deps.logger?.info({ job: "reconcile-preference-emails", ...result }, "preference e-mails reconciled");
  return result;
}
