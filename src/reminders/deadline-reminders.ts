/**
 * Sends deadline rungs (before_N, due_today, overdue_N, escalation) of any number of assignments,
 * set-based: the statements do not grow with the number of reminders. For a batch, in order:
 *  1. the assignments as they are now, in one statement; those gone, no longer remindable (done,
 *     cancelled, paused, returned) or whose deadline moved are skipped;
 *  2. the plans' ladders, in one statement (the working calendar is cached, calendar-cache.ts);
 *     a rung the ladder no longer has is skipped, one not due yet is "early" (the caller runs it
 *     again at its instant), one too late is stale;
 *  3. one transaction: the assignments re-checked under a shared lock in one statement (a deadline
 *     moved or work closed a moment ago wins), the recipients of all reminders in one statement,
 *     the in-app deliveries in three (deliver-in-app.ts: exactly once per recipient by the unique
 *     key), an overdue rung's webhook event rows, commit;
 *  4. after commit: live notifications, webhook jobs, then per reminder its e-mail copies
 *     (preferences, quiet hours, digest) and a log line (reminder-outcome.ts finishDelivery).
 * Every reminder gets the outcome it would get alone.
 */
import { addDays } from "../calendar/working-days";
import { withTransaction } from "../db/transaction";
import { recordTaskEvent } from "../notifications/webhook-events";
import { localDate } from "../shared/clock";
import { toGlobalId } from "../shared/ids";
import { calendarFor } from "./calendar-cache";
import { deliverInAppAll } from "./deliver-in-app";
import { type DueReminder, dueReminders, REMINDABLE_STATUSES, type ReminderKind } from "./ladder";
import { EARLY_TOLERANCE_MS, type ReminderDeps, STALE_AFTER_MS } from "./reminder-deps";
import {
  finishDelivery,
  type SendReminderPayload,
  type SendReminderResult,
  skipperOf,
  type SkipReason,
} from "./reminder-outcome";
import { loadLadders, loadSubjects, type ReminderSubject, resolveRecipientsOf } from "./reminder.store";
import { type ReminderText, renderReminder } from "./render";

export type DeadlineReminder = SendReminderPayload & { kind: ReminderKind };

interface Ready {
  at: number;
  p: DeadlineReminder;
  subject: ReminderSubject;
  rung: DueReminder;
  text: ReminderText;
}

/**
 * Runs deadline reminders as of `now`; returns one outcome per reminder, in the order given.
 * Throws (after trying every e-mail) when an e-mail failed, so that the job is retried: its in-app
 * part then finds everything delivered already.
 */
export async function sendDeadlineReminders(
  deps: ReminderDeps,
  reminders: readonly DeadlineReminder[],
  now: Date,
): Promise<SendReminderResult[]> {
  const results: SendReminderResult[] = new Array(reminders.length);
  const skip = (at: number, reason: SkipReason) => {
    results[at] = skipperOf(deps, reminders[at])(reason);
  };
  const m = deps.ds.manager;
  const subjects = await loadSubjects(
    m,
    reminders.map((p) => p.assignmentId),
  );
  const current: Array<{ at: number; subject: ReminderSubject }> = [];
  reminders.forEach((p, at) => {
    const subject = subjects.get(p.assignmentId);
    if (!subject) skip(at, "gone");
    else if (!REMINDABLE_STATUSES.includes(subject.status)) skip(at, "not_remindable");
    else if (subject.dueDate !== p.dueDate) skip(at, "deadline_moved");
    else current.push({ at, subject });
  });
  if (current.length === 0) return results;

  const calendar = await calendarFor(deps.ds, deps.calendarCacheMs);
  const ladders = await loadLadders(
    m,
    current.map((c) => c.subject.planId),
  );
  const until = addDays(localDate(now, deps.timeZone), 62);
  // A plan's rungs for a deadline are the same for every remindable assignment due then: worked
  // out once per plan and due date in the batch (each rung's instant asks Intl for the offset).
  const rungsOf = new Map<string, DueReminder[]>();
  const ready: Ready[] = [];
  for (const { at, subject } of current) {
    const p = reminders[at];
    const memo = `${subject.planId}|${subject.dueDate}`;
    let rungs = rungsOf.get(memo);
    if (!rungs) {
      rungs = dueReminders(subject, ladders.get(subject.planId)!, calendar, {
        timeZone: deps.timeZone,
        until,
      });
      rungsOf.set(memo, rungs);
    }
    const rung = rungs.find((r) => r.kind === p.kind);
    if (!rung) skip(at, "not_in_ladder");
    else if (now.getTime() < rung.fireAt.getTime() - EARLY_TOLERANCE_MS)
      results[at] = { status: "early", fireAt: rung.fireAt.toISOString() };
    else if (now.getTime() > rung.fireAt.getTime() + STALE_AFTER_MS) skip(at, "stale");
    else {
      const text = renderReminder(
        {
          kind: p.kind,
          taskCode: subject.taskCode,
          taskTitle: subject.taskTitle,
          orgName: subject.orgName,
          dueDate: p.dueDate,
          fireAtLocalDate: rung.fireAtLocalDate,
        },
        calendar,
      );
      ready.push({ at, p, subject, rung, text });
    }
  }
  if (ready.length === 0) return results;

  const committed = await withTransaction(deps.ds, async (tx) => {
    const { manager } = tx;
    // Re-checked under a shared lock, so a deadline moved or work closed a moment ago wins. By
    // primary key, forced: a scan would lock every assignment, not just these (deliver-in-app.ts).
    const ids = [...new Set(ready.map((r) => r.p.assignmentId))].sort((a, b) => a - b);
    const rows: Array<{ id: number | string; status: string; due_date: string | null }> = await manager.query(
      `SELECT id, status, DATE_FORMAT(due_date, '%Y-%m-%d') AS due_date FROM assignment FORCE INDEX (PRIMARY)
        WHERE id IN (${ids.map(() => "?").join(", ")}) ORDER BY id LOCK IN SHARE MODE`,
      ids,
    );
    const locked = new Map(rows.map((r) => [Number(r.id), r]));
    const moved: Array<{ at: number; reason: SkipReason }> = [];
    const go: Ready[] = [];
    for (const r of ready) {
      const row = locked.get(r.p.assignmentId);
      if (!row) moved.push({ at: r.at, reason: "gone" });
      else if (!REMINDABLE_STATUSES.includes(row.status as ReminderSubject["status"]))
        moved.push({ at: r.at, reason: "not_remindable" });
      else if (row.due_date !== r.p.dueDate) moved.push({ at: r.at, reason: "deadline_moved" });
      else go.push(r);
    }
    const recipients = await resolveRecipientsOf(
      manager,
      go.map((r) => ({ subject: r.subject, audiences: r.rung.recipients })),
    );
    const notified = await deliverInAppAll(
      tx,
      go.map((r, i) => ({
        assignmentId: r.p.assignmentId,
        kind: r.p.kind,
        dueDate: r.p.dueDate,
        recipientUserIds: recipients[i],
        notification: {
          kind: `reminder.${r.p.kind}`,
          title: r.text.title,
          body: r.text.body,
          link: toGlobalId("Task", r.subject.taskId),
        },
      })),
      deps.live,
    );
    // An overdue rung is also a webhook event, once per rung and deadline.
    const webhookDeliveries = await recordOverdueEvents(
      tx.manager,
      go.map((r) => r.p).filter((p) => p.kind.startsWith("overdue_")),
    );
    return { moved, go, recipients, notified, webhookDeliveries };
  });
  for (const { at, reason } of committed.moved) skip(at, reason);
  if (committed.webhookDeliveries.length > 0 && deps.enqueueWebhooks)
    await deps.enqueueWebhooks(committed.webhookDeliveries).catch(() => undefined);

  let failure: unknown = null;
  for (const [i, r] of committed.go.entries()) {
    try {
      results[r.at] = await finishDelivery(
        deps,
        r.p,
        now,
        { recipients: committed.recipients[i], notified: committed.notified[i].length },
        r.text,
        "reminder delivered",
      );
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
  return results;
}

/**
 * The `overdue` webhook event of each overdue rung (key `<kind>:<due date>` per assignment), in as
 * few statements as the reminders allow: one set per round in which no assignment repeats.
 */
async function recordOverdueEvents(
  manager: Parameters<typeof recordTaskEvent>[0],
  overdue: readonly SendReminderPayload[],
): Promise<number[]> {
  const out: number[] = [];
  let left = [...overdue];
  while (left.length > 0) {
    const round = new Map<number, SendReminderPayload>();
    const later: SendReminderPayload[] = [];
    for (const p of left) {
      if (round.has(p.assignmentId)) later.push(p);
      else round.set(p.assignmentId, p);
    }
    left = later;
    out.push(
      ...(await recordTaskEvent(manager, {
        event: "overdue",
        assignmentIds: [...round.keys()],
        keyOf: (assignmentId) => `${round.get(assignmentId)!.kind}:${round.get(assignmentId)!.dueDate}`,
      })),
    );
  }
  return out;
}
