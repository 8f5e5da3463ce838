/**
 * A user's daily digest for one local date: one e-mail with the work due soon, due today and
 * overdue (digest.store.ts), read from MariaDB when it is sent. Exactly once per (user, date,
 * channel): the digest_delivery row is claimed with INSERT IGNORE in a transaction held open while
 * the SMTP server takes the message and committed afterwards, as deliver-email.ts does for single
 * reminders (the same one-repeat-after-a-crash window, the same retry on a refusing server). A day
 * with nothing to list is recorded with item_count 0 and sends nothing.
 */
import { isWorkingDay } from "../../calendar/working-days";
import { withTransaction } from "../../db/transaction";
import { localDate } from "../../shared/clock";
import { DeliveryChannel } from "../reminder-delivery.entity";
import { EARLY_TOLERANCE_MS, type ReminderDeps, STALE_AFTER_MS } from "../reminder-deps";
import { loadCalendarExceptions } from "../reminder.store";
import { collectDigest, loadDigestRecipient } from "./digest.store";
import type { SendDigestPayload } from "./email-jobs";
import { EmailMode } from "./notification-preferences.entity";
import { digestInstant } from "./preferences";
import { loadPreferences } from "./preferences.store";
import { digestSize, renderDigestEmail } from "./render-digest";

export type SendDigestResult =
  | { status: "sent"; items: number }
  | { status: "early"; fireAt: string }
  | {
      status: "skipped";
      reason:
        | "invalid_payload"
        | "no_mailer"
        | "not_wanted"
        | "no_address"
        | "day_off"
        | "stale"
        | "already_sent"
        | "empty";
    };

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export async function handleSendDigest(
  deps: ReminderDeps,
  p: SendDigestPayload,
  now: Date = deps.clock.now(),
): Promise<SendDigestResult> {
  const skip = (reason: Extract<SendDigestResult, { status: "skipped" }>["reason"]): SendDigestResult => {
    deps.logger?.debug({ job: "send-digest", ...p, reason }, "digest skipped");
    return { status: "skipped", reason };
  };
  if (!(
    Number.isSafeInteger(p?.userId) &&
    p.userId > 0 &&
    typeof p.date === "string" &&
    DATE_RE.test(p.date)
  ))
    return skip("invalid_payload");
  const mailer = deps.mailer;
  if (!mailer) return skip("no_mailer");
  const m = deps.ds.manager;
  const prefs = (await loadPreferences(m, [p.userId])).get(p.userId)!;
  if (!prefs.emailEnabled || prefs.emailMode !== EmailMode.DIGEST) return skip("not_wanted");
  const calendar = await loadCalendarExceptions(m);
  if (!isWorkingDay(p.date, calendar)) return skip("day_off");
  const fireAt = digestInstant(p.date, prefs, deps.timeZone);
  if (now.getTime() < fireAt.getTime() - EARLY_TOLERANCE_MS)
    return { status: "early", fireAt: fireAt.toISOString() };
  if (now.getTime() > fireAt.getTime() + STALE_AFTER_MS) return skip("stale");
  const recipient = await loadDigestRecipient(m, p.userId);
  if (!recipient) return skip("no_address");

  const outcome = await withTransaction(deps.ds, async ({ manager }) => {
    const claim: { affectedRows?: number; insertId?: number } = await manager.query(
      `INSERT IGNORE INTO digest_delivery (user_id, digest_date, channel, item_count) VALUES (?, ?, ?, 0)`,
      [p.userId, p.date, DeliveryChannel.EMAIL],
    );
    if (claim.affectedRows !== 1) return "already_sent" as const;
    // The day the digest is for, or today when the job runs late (a catch-up after an outage).
    const today = [p.date, localDate(now, deps.timeZone)].sort()[1];
    const sections = await collectDigest(manager, recipient, today, calendar);
    const items = digestSize(sections);
    if (items === 0) return "empty" as const;
    await manager.query("UPDATE digest_delivery SET item_count = ? WHERE id = ?", [items, claim.insertId]);
    await mailer.sendMail({ to: recipient.email, ...renderDigestEmail(today, sections) });
    return items;
  });
  if (typeof outcome === "string") return skip(outcome);
  deps.logger?.info({ job: "send-digest", ...p, items: outcome }, "digest sent");
  return { status: "sent", items: outcome };
}
