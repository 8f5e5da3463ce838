/**
 * Sends one reminder rung of one assignment to everyone it concerns, in the app and by e-mail. The payload is
 * ids, the kind and the due date it was scheduled for: the handler re-reads everything else and
 * quietly does nothing when the world moved on (work done, cancelled, paused or returned; the
 * deadline moved; the ladder no longer has that rung). In-app deliveries are exactly-once per
 * recipient (deliver-in-app.ts), so a retried, duplicated or stalled job never notifies anyone twice;
 * e-mails (when SMTP_URL is set) are once per recipient too, save one possible repeat after a crash
 * in mid-send (deliver-email.ts). Deadline rungs take the set-based path that batches take too
 * (send-reminders.job.ts); a reminder of an extension or a report period is handled here.
 */
import type { JobsOptions } from "bullmq";
import { withTransaction } from "../../db/transaction";
import { localDate } from "../../shared/clock";
import { toGlobalId } from "../../shared/ids";
import { ExtensionStatus } from "../../workflow/extension.entity";
import { sendDeadlineReminders } from "../deadline-reminders";
import { deliverInApp } from "../deliver-in-app";
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
import { isReminderKind, REMINDABLE_STATUSES } from "../ladder";
import { EARLY_TOLERANCE_MS, type ReminderDeps, STALE_AFTER_MS } from "../reminder-deps";
import {
  finishDelivery,
  SEND_REMINDER,
  type SendReminderPayload,
  type SendReminderResult,
  type Skip,
  skipperOf,
} from "../reminder-outcome";
import { calendarFor } from "../calendar-cache";
import {
  loadExtension,
  loadLadders,
  loadSubject,
  resolveRecipients,
  unreportedPeriods,
} from "../reminder.store";
import { renderExtensionReminder, renderReportReminder } from "../render";

export { SEND_REMINDER, type SendReminderPayload, type SendReminderResult } from "../reminder-outcome";

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

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** A payload as the producers make it (a job's data is read from Redis: anything may be there). */
export function isValidReminderPayload(p: SendReminderPayload): boolean {
  return (
    Number.isSafeInteger(p?.assignmentId) &&
    p.assignmentId > 0 &&
    (isReminderKind(p.kind) || isExtensionReminderKind(p.kind) || isReportReminderKind(p.kind)) &&
    typeof p.dueDate === "string" &&
    DATE_RE.test(p.dueDate)
  );
}

/**
 * Runs one send-reminder job as of `now` (the worker passes its clock's now). A deadline rung is a
 * batch of one of the set-based path (deadline-reminders.ts), the very code send-reminders runs.
 */
export async function handleSendReminder(
  deps: ReminderDeps,
  p: SendReminderPayload,
  now: Date = deps.clock.now(),
): Promise<SendReminderResult> {
  const skip = skipperOf(deps, p);
  if (!isValidReminderPayload(p)) return skip("invalid_payload");
  if (isExtensionReminderKind(p.kind))
    return handleExtensionReminder(deps, { ...p, kind: p.kind }, now, skip);
  if (isReportReminderKind(p.kind)) return handleReportReminder(deps, { ...p, kind: p.kind }, now, skip);
  const [result] = await sendDeadlineReminders(deps, [{ ...p, kind: p.kind }], now);
  return result;
}

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
  return finishDelivery(deps, p, now, result, text, "extension reminder delivered");
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
  return finishDelivery(deps, p, now, result, result.text, "report reminder delivered");
}
