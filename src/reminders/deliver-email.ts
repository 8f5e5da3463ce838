/**
 * The e-mail channel of reminders. SMTP cannot take part in a database transaction, so "exactly
 * once" becomes: at most one e-mail per delivery key in the normal course, and at worst one extra
 * e-mail after a crash at the one unlucky instant.
 *
 * For each recipient, in a transaction of its own: INSERT IGNORE the delivery row (channel
 * 'email') under the unique key (assignment, kind, due date, recipient, channel) — the claim —
 * then hand the message to the SMTP server, then commit — the mark.
 *  - The row already exists (committed): it was sent; nothing happens.
 *  - Another run holds the claim: this one waits on its row lock, then finds the row and sends
 *    nothing (or, if that run failed and rolled back, claims it and sends).
 *  - The server refuses or is away: the transaction rolls back, no row is left, the job throws and
 *    BullMQ's retry (with backoff) sends it later.
 *  - The process dies while the SMTP exchange is in progress, before the server answered the
 *    message's DATA: the server has not accepted it, the claim rolls back with the connection, and
 *    the job (stalled, back on the queue) sends it once (test/reminders/kill-drill.test.ts).
 *  - The process dies after the server accepted the message but before the commit: the claim rolls
 *    back with the connection and a retry sends the e-mail a second time. That window (from the
 *    server's 250 to the commit's round trip) is the only duplicate possible; the opposite choice
 *    (commit the claim first) would lose the e-mail instead, and a missed deadline reminder costs
 *    more than a repeated one. The repeat carries the same Message-ID
 *    (`<rem-<assignment>-<kind>-<due date>-u<user>@<MAIL_FROM's domain>>`), so a server or mail
 *    client that drops duplicate Message-IDs shows it once.
 * The transaction is open only for one SMTP exchange (bounded by the mailer's timeouts).
 */
import type { DataSource } from "typeorm";
import { withTransaction } from "../db/transaction";
import type { Mailer } from "../notifications/email";
import { countDelivery } from "../shared/metrics";
import { DeliveryChannel } from "./reminder-delivery.entity";
import { renderReminderEmail, type ReminderText } from "./render";

export interface EmailReminder {
  assignmentId: number;
  kind: string;
  dueDate: string;
  recipientUserIds: number[];
  text: ReminderText;
}

/** rem-<assignment>-<kind>-<due date>-u<user>: the same for every send of one delivery. */
export function emailIdKey(
  r: Pick<EmailReminder, "assignmentId" | "kind" | "dueDate">,
  userId: number,
): string {
  return `rem-${r.assignmentId}-${r.kind}-${r.dueDate}-u${userId}`;
}

/**
 * Sends `r` by e-mail to each recipient with an address who has not had it yet. Returns the
 * recipients e-mailed by this call; throws (after trying every recipient) when any send failed,
 * so the job is retried for those only.
 */
export async function deliverByEmail(ds: DataSource, mailer: Mailer, r: EmailReminder): Promise<number[]> {
  if (r.recipientUserIds.length === 0) return [];
  const rows: Array<{ id: number | string; email: string | null }> = await ds.query(
    `SELECT id, email FROM app_user WHERE id IN (${r.recipientUserIds.map(() => "?").join(", ")}) ORDER BY id`,
    r.recipientUserIds,
  );
  const message = renderReminderEmail(r.text);
  const sent: number[] = [];
  let failure: unknown = null;
  for (const row of rows) {
    const userId = Number(row.id);
    const to = row.email?.trim();
    if (!to) continue;
    try {
      const delivered = await withTransaction(ds, async ({ manager }) => {
        const res: { affectedRows?: number } = await manager.query(
          `INSERT IGNORE INTO reminder_delivery (assignment_id, kind, due_date, recipient_user_id, channel)
           VALUES (?, ?, ?, ?, ?)`,
          [r.assignmentId, r.kind, r.dueDate, userId, DeliveryChannel.EMAIL],
        );
        if (res.affectedRows !== 1) return false;
        await mailer.sendMail({ to, ...message, idKey: emailIdKey(r, userId) });
        return true;
      });
      if (delivered) sent.push(userId);
      countDelivery("email", delivered ? "sent" : "duplicate");
    } catch (err) {
      countDelivery("email", "failed");
      failure ??= err;
    }
  }
  if (failure) throw failure;
  return sent;
}
