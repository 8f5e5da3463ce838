/**
 * What every reminder handler shares, whether it runs one reminder (the send-reminder job) or a
 * batch of them (send-reminders): the reminder's key as a job carries it, the outcome of one
 * reminder, and the common end once its in-app part committed (the e-mail copies, one log line).
 */
import { deliverByEmail } from "./deliver-email";
import type { ExtensionReminderKind } from "./extension-reminders";
import type { ReminderKind } from "./ladder";
import { deferEmails, routeReminderEmails } from "./preferences/route-email";
import type { ReminderDeps } from "./reminder-deps";
import type { ReminderText } from "./render";
import type { ReportReminderKind } from "./report-reminders";

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

export type SkipReason =
  | "invalid_payload"
  | "gone"
  | "not_remindable"
  | "deadline_moved"
  | "not_in_ladder"
  | "stale"
  | "no_recipients"
  | "decided"
  | "reported";

export type SendReminderResult =
  | { status: "delivered"; recipients: number; newlyNotified: number }
  /** Too early for its rung (the calendar or the ladder moved it later): run it again at `fireAt`. */
  | { status: "early"; fireAt: string }
  | { status: "skipped"; reason: SkipReason };

export type Skip = (reason: SkipReason) => SendReminderResult;

/** The skip of reminder `p`: logged at debug level, then returned. */
export function skipperOf(deps: ReminderDeps, p: SendReminderPayload): Skip {
  return (reason) => {
    deps.logger?.debug({ job: SEND_REMINDER, ...p, reason }, "reminder skipped");
    return { status: "skipped", reason };
  };
}

/**
 * The common end of every handler, once the in-app part committed: nobody to tell is a skip;
 * otherwise the e-mail copies, one log line, and the result.
 */
export async function finishDelivery(
  deps: ReminderDeps,
  p: SendReminderPayload,
  now: Date,
  result: { recipients: number[]; notified: number },
  text: ReminderText,
  message: string,
): Promise<SendReminderResult> {
  if (result.recipients.length === 0) return skipperOf(deps, p)("no_recipients");
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
