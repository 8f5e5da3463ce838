/**
 * A reminder e-mail held back by its recipient's quiet hours (route-email.ts), sent when they end.
 * The reminder was delivered in the app already: the e-mail carries the same title and text, read
 * back from that notification, so the message is the one the reminder job rendered. The handler
 * re-reads everything and does nothing when the world moved on (work closed, deadline moved,
 * extension decided, the recipient turned e-mail off or chose the digest); still in quiet hours
 * (they changed), it waits again. The e-mail delivery row's unique key makes it once.
 */
import { DeliveryChannel } from "../reminder-delivery.entity";
import { deliverByEmail } from "../deliver-email";
import { extensionIdOf, isExtensionReminderKind } from "../extension-reminders";
import { isReminderKind, REMINDABLE_STATUSES } from "../ladder";
import { isReportReminderKind } from "../report-reminders";
import { EARLY_TOLERANCE_MS, type ReminderDeps, STALE_AFTER_MS } from "../reminder-deps";
import type { SendReminderEmailPayload } from "./email-jobs";
import { emailRoute } from "./route-email";
import { loadPreferences } from "./preferences.store";

export type SendReminderEmailResult =
  | { status: "sent" | "already_sent" }
  | { status: "early"; fireAt: string }
  | {
      status: "skipped";
      reason: "invalid_payload" | "no_mailer" | "not_wanted" | "not_in_app" | "moved_on" | "stale";
    };

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function validPayload(p: SendReminderEmailPayload): boolean {
  return (
    Number.isSafeInteger(p?.assignmentId) &&
    p.assignmentId > 0 &&
    Number.isSafeInteger(p.userId) &&
    p.userId > 0 &&
    (isReminderKind(p.kind) || isExtensionReminderKind(p.kind) || isReportReminderKind(p.kind)) &&
    typeof p.dueDate === "string" &&
    DATE_RE.test(p.dueDate)
  );
}

/**
 * Runs one send-reminder-email job as of `now`. Once it is settled (sent, or no longer wanted) its
 * deferred_email row goes, so the reconciler stops re-adding it.
 */
export async function handleSendReminderEmail(
  deps: ReminderDeps,
  p: SendReminderEmailPayload,
  now: Date = deps.clock.now(),
): Promise<SendReminderEmailResult> {
  const result = await sendHeldBackEmail(deps, p, now);
  const settled =
    result.status === "sent" ||
    result.status === "already_sent" ||
    (result.status === "skipped" && !["invalid_payload", "no_mailer"].includes(result.reason));
  if (settled)
    await deps.ds.query(
      "DELETE FROM deferred_email WHERE assignment_id = ? AND kind = ? AND due_date = ? AND user_id = ?",
      [p.assignmentId, p.kind, p.dueDate, p.userId],
    );
  return result;
}

async function sendHeldBackEmail(
  deps: ReminderDeps,
  p: SendReminderEmailPayload,
  now: Date = deps.clock.now(),
): Promise<SendReminderEmailResult> {
  if (!validPayload(p)) return { status: "skipped", reason: "invalid_payload" };
  if (!deps.mailer) return { status: "skipped", reason: "no_mailer" };
  const m = deps.ds.manager;
  const prefs = (await loadPreferences(m, [p.userId])).get(p.userId)!;
  const at = emailRoute(p.kind, prefs, now, deps.timeZone);
  if (at === null) return { status: "skipped", reason: "not_wanted" };
  if (at.getTime() > now.getTime() + EARLY_TOLERANCE_MS) return { status: "early", fireAt: at.toISOString() };

  const [inApp]: Array<{ title: string; body: string; send_at: Date | null }> = await m.query(
    `SELECT n.title, n.body, x.send_at
     FROM reminder_delivery d JOIN notification n ON n.id = d.notification_id
     LEFT JOIN deferred_email x ON x.assignment_id = d.assignment_id AND x.kind = d.kind
                               AND x.due_date = d.due_date AND x.user_id = d.recipient_user_id
     WHERE d.assignment_id = ? AND d.kind = ? AND d.due_date = ? AND d.recipient_user_id = ? AND d.channel = ?`,
    [p.assignmentId, p.kind, p.dueDate, p.userId, DeliveryChannel.IN_APP],
  );
  if (!inApp) return { status: "skipped", reason: "not_in_app" };
  // Sent a day after the quiet hours ended, it would be stale news.
  if (inApp.send_at && now.getTime() > new Date(inApp.send_at).getTime() + STALE_AFTER_MS)
    return { status: "skipped", reason: "stale" };
  if (!(await stillWanted(deps, p))) return { status: "skipped", reason: "moved_on" };

  const sent = await deliverByEmail(deps.ds, deps.mailer, {
    assignmentId: p.assignmentId,
    kind: p.kind,
    dueDate: p.dueDate,
    recipientUserIds: [p.userId],
    text: { title: inApp.title, body: inApp.body },
  });
  deps.logger?.info({ job: "send-reminder-email", ...p, sent: sent.length }, "quiet-hours e-mail handled");
  return { status: sent.length ? "sent" : "already_sent" };
}

/** The reminder still applies: its work runs, with the same deadline, and an extension is still pending. */
async function stillWanted(deps: ReminderDeps, p: SendReminderEmailPayload): Promise<boolean> {
  const [a]: Array<{ status: string; due_date: string | null }> = await deps.ds.query(
    "SELECT status, DATE_FORMAT(due_date, '%Y-%m-%d') AS due_date FROM assignment WHERE id = ?",
    [p.assignmentId],
  );
  if (!a || !(REMINDABLE_STATUSES as readonly string[]).includes(a.status)) return false;
  if (isReminderKind(p.kind)) return a.due_date === p.dueDate;
  if (isExtensionReminderKind(p.kind)) {
    const [e] = await deps.ds.query("SELECT status FROM deadline_extension WHERE id = ?", [
      extensionIdOf(p.kind),
    ]);
    return e?.status === "pending";
  }
  return true;
}
