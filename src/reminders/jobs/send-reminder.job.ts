/**
 * Sends one reminder rung of one assignment to everyone it concerns, in the app and by e-mail. The payload is
 * ids, the kind and the due date it was scheduled for: the handler re-reads everything else and
 * quietly does nothing when the world moved on (work done, cancelled, paused or returned; the
 * deadline moved; the ladder no longer has that rung). In-app deliveries are exactly-once per
 * recipient (deliver-in-app.ts), so a retried, duplicated or stalled job never notifies anyone twice;
 * e-mails (when SMTP_URL is set) are once per recipient too, save one possible repeat after a crash
 * in mid-send (deliver-email.ts).
 */
import type { JobsOptions } from "bullmq";
import { addDays } from "../../calendar/working-days";
import { withTransaction } from "../../db/transaction";
import { localDate } from "../../shared/clock";
import { toGlobalId } from "../../shared/ids";
import { ExtensionStatus } from "../../workflow/extension.entity";
import { recordTaskEvent } from "../../notifications/webhook-events";
import { deliverByEmail } from "../deliver-email";
import { deliverInApp } from "../deliver-in-app";
import { deferEmails, routeReminderEmails } from "../preferences/route-email";
import {
  extensionIdOf,
  extensionReminderOn,
  type ExtensionReminderKind,
  isExtensionReminderKind,
} from "../extension-reminders";
import {
  isReportReminderKind,
  type ReportReminderKind,
  reportReminderFor,
  reportRungOf,
} from "../report-reminders";
import { findReminder, isReminderKind, REMINDABLE_STATUSES, type ReminderKind } from "../ladder";
import { EARLY_TOLERANCE_MS, type ReminderDeps, STALE_AFTER_MS } from "../reminder-deps";
import { calendarFor } from "../calendar-cache";
import {
  loadExtension,
  loadLadders,
  loadSubject,
  resolveRecipients,
  unreportedPeriods,
} from "../reminder.store";
import { type ReminderText, renderExtensionReminder, renderReminder, renderReportReminder } from "../render";

export const SEND_REMINDER = "send-reminder" as const;

/**
 * Ids, the kind and the due date only: no names, no text, no addresses. For an extension awaiting
 * a decision, the kind names the extension (ext_pending_<id>) and `dueDate` is the day it is for.
 */
export interface SendReminderPayload {
  assignmentId: number;
  kind: ReminderKind | ExtensionReminderKind | ReportReminderKind;
  /** The due date ("YYYY-MM-DD") the reminder was scheduled for (the day, for an extension). */
  dueDate: string;
}

/** rem-<assignmentId>-<kind>-<dueDate>: one job per rung and deadline, whoever adds it (no ':'). */
export function sendReminderJobId(p: SendReminderPayload): string {
  return `rem-${p.assignmentId}-${p.kind}-${p.dueDate}`;
}

/**
 * Retries with backoff (a deadlock, MariaDB away). A finished job is kept a little longer than the
 * reconciler looks back, so its re-adds within that day are no-ops rather than new runs.
 */
export const SEND_REMINDER_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 26 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The job that sends `p` at `fireAt` (delay counted from `now`, never negative). */
export function sendReminderJob(
  p: SendReminderPayload,
  fireAt: Date,
  now: Date,
): { name: typeof SEND_REMINDER; data: SendReminderPayload; opts: JobsOptions } {
  return {
    name: SEND_REMINDER,
    data: { assignmentId: p.assignmentId, kind: p.kind, dueDate: p.dueDate },
    opts: {
      ...SEND_REMINDER_OPTIONS,
      jobId: sendReminderJobId(p),
      delay: Math.max(0, fireAt.getTime() - now.getTime()),
    },
  };
}

export type SendReminderResult =
  | { status: "delivered"; recipients: number; newlyNotified: number }
  /** Too early for its rung (the calendar or the ladder moved it later): run it again at `fireAt`. */
  | { status: "early"; fireAt: string }
  | {
      status: "skipped";
      reason:
        | "invalid_payload"
        | "gone"
        | "not_remindable"
        | "deadline_moved"
        | "not_in_ladder"
        | "stale"
        | "no_recipients"
        | "decided"
        | "reported";
    };

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function validPayload(p: SendReminderPayload): boolean {
  return (
    Number.isSafeInteger(p?.assignmentId) &&
    p.assignmentId > 0 &&
    (isReminderKind(p.kind) || isExtensionReminderKind(p.kind) || isReportReminderKind(p.kind)) &&
    typeof p.dueDate === "string" &&
    DATE_RE.test(p.dueDate)
  );
}

/** Runs one send-reminder job as of `now` (the worker passes its clock's now). */
export async function handleSendReminder(
  deps: ReminderDeps,
  p: SendReminderPayload,
  now: Date = deps.clock.now(),
): Promise<SendReminderResult> {
  const skip = (reason: Extract<SendReminderResult, { status: "skipped" }>["reason"]): SendReminderResult => {
    deps.logger?.debug({ job: SEND_REMINDER, ...p, reason }, "reminder skipped");
    return { status: "skipped", reason };
  };
  if (!validPayload(p)) return skip("invalid_payload");
  if (isExtensionReminderKind(p.kind))
    return handleExtensionReminder(deps, { ...p, kind: p.kind }, now, skip);
  if (isReportReminderKind(p.kind)) return handleReportReminder(deps, { ...p, kind: p.kind }, now, skip);
  const subject = await loadSubject(deps.ds.manager, p.assignmentId);
  if (!subject) return skip("gone");
  if (!REMINDABLE_STATUSES.includes(subject.status)) return skip("not_remindable");
  if (subject.dueDate !== p.dueDate) return skip("deadline_moved");

  const calendar = await calendarFor(deps.ds, deps.calendarCacheMs);
  const ladder = (await loadLadders(deps.ds.manager, [subject.planId])).get(subject.planId)!;
  const until = addDays(localDate(now, deps.timeZone), 62);
  const rung = findReminder(p.kind, subject, ladder, calendar, { timeZone: deps.timeZone, until });
  if (!rung) return skip("not_in_ladder");
  if (now.getTime() < rung.fireAt.getTime() - EARLY_TOLERANCE_MS)
    return { status: "early", fireAt: rung.fireAt.toISOString() };
  if (now.getTime() > rung.fireAt.getTime() + STALE_AFTER_MS) return skip("stale");

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
  const result = await withTransaction(deps.ds, async (tx) => {
    const { manager } = tx;
    // Re-checked under a shared lock, so a deadline moved or work closed a moment ago wins.
    const [row] = await manager.query(
      "SELECT status, DATE_FORMAT(due_date, '%Y-%m-%d') AS due_date FROM assignment WHERE id = ? LOCK IN SHARE MODE",
      [p.assignmentId],
    );
    if (!row) return "gone" as const;
    if (!REMINDABLE_STATUSES.includes(row.status)) return "not_remindable" as const;
    if (row.due_date !== p.dueDate) return "deadline_moved" as const;
    const recipients = await resolveRecipients(manager, subject, rung.recipients);
    const notified = await deliverInApp(tx, {
      live: deps.live,
      assignmentId: p.assignmentId,
      kind: p.kind,
      dueDate: p.dueDate,
      recipientUserIds: recipients,
      notification: {
        kind: `reminder.${p.kind}`,
        title: text.title,
        body: text.body,
        link: toGlobalId("Task", subject.taskId),
      },
    });
    // An overdue rung is also a webhook event, once per rung and deadline.
    const webhookDeliveries = p.kind.startsWith("overdue_")
      ? await recordTaskEvent(manager, {
          event: "overdue",
          assignmentIds: [p.assignmentId],
          keyOf: () => `${p.kind}:${p.dueDate}`,
        })
      : [];
    return { recipients, notified: notified.length, webhookDeliveries };
  });
  if (typeof result === "string") return skip(result);
  if (result.webhookDeliveries.length > 0 && deps.enqueueWebhooks)
    await deps.enqueueWebhooks(result.webhookDeliveries).catch(() => undefined);
  return finishDelivery(deps, p, now, result, text, skip, "reminder delivered");
}

/**
 * The common end of every handler, once the in-app part committed: nobody to tell is a skip;
 * otherwise the e-mail copies, one log line, and the result.
 */
async function finishDelivery(
  deps: ReminderDeps,
  p: SendReminderPayload,
  now: Date,
  result: { recipients: number[]; notified: number },
  text: ReminderText,
  skip: Skip,
  message: string,
): Promise<SendReminderResult> {
  if (result.recipients.length === 0) return skip("no_recipients");
  const emailed = await emailReminder(deps, p, now, result.recipients, text);
  deps.logger?.info(
    { job: SEND_REMINDER, ...p, recipients: result.recipients.length, notified: result.notified, emailed },
    message,
  );
  return { status: "delivered", recipients: result.recipients.length, newlyNotified: result.notified };
}

/**
 * The e-mail copy of a reminder just delivered in the app, when SMTP is configured (deliver-email.ts):
 * once per recipient with an address who wants it now (preferences/route-email.ts: e-mail off or a
 * daily digest skip it; quiet hours put it on a delayed job of its own); throws when the SMTP server
 * fails so that BullMQ retries the job, whose in-app part then finds everything delivered already.
 * Returns how many were e-mailed.
 */
async function emailReminder(
  deps: ReminderDeps,
  p: SendReminderPayload,
  now: Date,
  recipients: number[],
  text: ReminderText,
): Promise<number> {
  if (!deps.mailer) return 0;
  const routed = await routeReminderEmails(deps.ds.manager, p, recipients, now, deps.timeZone);
  await deferEmails(deps.ds.manager, routed.later, deps.enqueuePreferenceJobs, now);
  const recipientUserIds = routed.now;
  try {
    const sent = await deliverByEmail(deps.ds, deps.mailer, { ...p, recipientUserIds, text });
    return sent.length;
  } catch (err) {
    deps.logger?.warn({ job: SEND_REMINDER, ...p, err }, "reminder e-mail failed; the job will be retried");
    throw err;
  }
}

type Skip = (reason: Extract<SendReminderResult, { status: "skipped" }>["reason"]) => SendReminderResult;

/**
 * One day's reminder of an extension awaiting a decision, to its approvers (extension-reminders.ts).
 * Does nothing once the request is decided or withdrawn, or when the day gets none (a day off, the
 * day of the request or before it).
 */
async function handleExtensionReminder(
  deps: ReminderDeps,
  p: SendReminderPayload & { kind: ExtensionReminderKind },
  now: Date,
  skip: Skip,
): Promise<SendReminderResult> {
  const extensionId = extensionIdOf(p.kind);
  const ext = await loadExtension(deps.ds.manager, extensionId);
  if (!ext || ext.assignmentId !== p.assignmentId) return skip("gone");
  if (ext.status !== ExtensionStatus.PENDING) return skip("decided");
  const subject = await loadSubject(deps.ds.manager, p.assignmentId);
  if (!subject) return skip("gone");
  if (!REMINDABLE_STATUSES.includes(subject.status)) return skip("not_remindable");

  const calendar = await calendarFor(deps.ds, deps.calendarCacheMs);
  const ladder = (await loadLadders(deps.ds.manager, [subject.planId])).get(subject.planId)!;
  const requestedOn = localDate(ext.requestedAt, deps.timeZone);
  const rung = extensionReminderOn(requestedOn, p.dueDate, ladder, calendar, deps.timeZone);
  if (!rung) return skip("not_in_ladder");
  if (now.getTime() < rung.fireAt.getTime() - EARLY_TOLERANCE_MS)
    return { status: "early", fireAt: rung.fireAt.toISOString() };
  if (now.getTime() > rung.fireAt.getTime() + STALE_AFTER_MS) return skip("stale");

  const text = renderExtensionReminder({
    taskCode: subject.taskCode,
    taskTitle: subject.taskTitle,
    orgName: subject.orgName,
    currentDueDate: ext.currentDueDate,
    requestedDueDate: ext.requestedDueDate,
    requestedOn,
    waitedWorkingDays: rung.waitedWorkingDays,
  });
  const result = await withTransaction(deps.ds, async (tx) => {
    const { manager } = tx;
    // Re-checked under a shared lock, so a decision taken a moment ago wins.
    const [row] = await manager.query(
      "SELECT status FROM deadline_extension WHERE id = ? LOCK IN SHARE MODE",
      [extensionId],
    );
    if (!row) return "gone" as const;
    if (row.status !== ExtensionStatus.PENDING) return "decided" as const;
    const recipients = await resolveRecipients(manager, subject, rung.recipients);
    const notified = await deliverInApp(tx, {
      live: deps.live,
      assignmentId: p.assignmentId,
      kind: p.kind,
      dueDate: p.dueDate,
      recipientUserIds: recipients,
      notification: {
        kind: "reminder.extension_pending",
        title: text.title,
        body: text.body,
        link: toGlobalId("DeadlineExtension", extensionId),
      },
    });
    return { recipients, notified: notified.length };
  });
  if (typeof result === "string") return skip(result);
  return finishDelivery(deps, p, now, result, text, skip, "extension reminder delivered");
}

/**
 * One rung of the report reminders of an assignment for the periods of its plan due `dueDate`
 * (report-reminders.ts). Does nothing once every such period has a report, when the work no
 * longer runs, or when the ladder no longer has the rung.
 */
async function handleReportReminder(
  deps: ReminderDeps,
  p: SendReminderPayload & { kind: ReportReminderKind },
  now: Date,
  skip: Skip,
): Promise<SendReminderResult> {
  const subject = await loadSubject(deps.ds.manager, p.assignmentId);
  if (!subject) return skip("gone");
  if (!REMINDABLE_STATUSES.includes(subject.status)) return skip("not_remindable");
  const calendar = await calendarFor(deps.ds, deps.calendarCacheMs);
  const ladder = (await loadLadders(deps.ds.manager, [subject.planId])).get(subject.planId)!;
  const rung = reportReminderFor(reportRungOf(p.kind), p.dueDate, ladder, calendar, deps.timeZone);
  if (!rung) return skip("not_in_ladder");
  if (now.getTime() < rung.fireAt.getTime() - EARLY_TOLERANCE_MS)
    return { status: "early", fireAt: rung.fireAt.toISOString() };
  if (now.getTime() > rung.fireAt.getTime() + STALE_AFTER_MS) return skip("stale");

  const result = await withTransaction(deps.ds, async (tx) => {
    const { manager } = tx;
    const [row] = await manager.query("SELECT status FROM assignment WHERE id = ? LOCK IN SHARE MODE", [
      p.assignmentId,
    ]);
    if (!row) return "gone" as const;
    if (!REMINDABLE_STATUSES.includes(row.status)) return "not_remindable" as const;
    const periods = await unreportedPeriods(manager, {
      dueFrom: p.dueDate,
      dueTo: p.dueDate,
      assignmentId: p.assignmentId,
    });
    if (periods.length === 0) return "reported" as const;
    const text = renderReportReminder(
      {
        taskCode: subject.taskCode,
        taskTitle: subject.taskTitle,
        orgName: subject.orgName,
        dueDate: p.dueDate,
        fireAtLocalDate: rung.fireAtLocalDate,
        periods,
      },
      calendar,
    );
    const recipients = await resolveRecipients(manager, subject, ["assignee"]);
    const notified = await deliverInApp(tx, {
      live: deps.live,
      assignmentId: p.assignmentId,
      kind: p.kind,
      dueDate: p.dueDate,
      recipientUserIds: recipients,
      notification: {
        kind: "reminder.report_due",
        title: text.title,
        body: text.body,
        link: toGlobalId("Task", subject.taskId),
      },
    });
    return { recipients, notified: notified.length, text };
  });
  if (typeof result === "string") return skip(result);
  return finishDelivery(deps, p, now, result, result.text, skip, "report reminder delivered");
}
