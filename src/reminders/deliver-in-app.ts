import type { UnitOfWork } from "../db/transaction";
import { insertNotification } from "../notifications/notification.store";
import { countDelivery } from "../shared/metrics";
import type { LiveEvent } from "../shared/live";
import { DeliveryChannel } from "./reminder-delivery.entity";

export interface InAppReminder {
  assignmentId: number;
  kind: string;
  dueDate: string;
  /** Recipients in ascending id order (the order their rows are locked in). */
  recipientUserIds: number[];
  notification: { kind: string; title: string; body: string; link: string | null };
  /** Publishes the new notifications to live subscribers once the transaction commits; never throws. */
  live?: (events: readonly LiveEvent[]) => Promise<void>;
}

/**
 * The in-app channel, exactly once: for each recipient, INSERT IGNORE the delivery row under its
 * unique key (assignment, kind, due date, recipient, channel) and write the notification only
 * when that row is new, all in the caller's transaction. A second run, or a concurrent one
 * (which waits on the first's row lock), inserts nothing and notifies no one again.
 * Returns the recipients notified by this call. The new notifications go to live subscribers
 * (`r.live`) once the transaction commits, and only then.
 */
export async function deliverInApp(
  { manager: m, afterCommit }: UnitOfWork,
  r: InAppReminder,
): Promise<number[]> {
  const delivered: number[] = [];
  const events: LiveEvent[] = [];
  for (const userId of r.recipientUserIds) {
    const res: { affectedRows?: number; insertId?: number } = await m.query(
      `INSERT IGNORE INTO reminder_delivery (assignment_id, kind, due_date, recipient_user_id, channel)
       VALUES (?, ?, ?, ?, ?)`,
      [r.assignmentId, r.kind, r.dueDate, userId, DeliveryChannel.IN_APP],
    );
    if (res.affectedRows !== 1) {
      countDelivery("in_app", "duplicate");
      continue;
    }
    const notificationId = await insertNotification(m, { userId, ...r.notification });
    await m.query("UPDATE reminder_delivery SET notification_id = ? WHERE id = ?", [
      notificationId,
      res.insertId,
    ]);
    delivered.push(userId);
    events.push({ type: "added", userId, notificationId });
  }
  countDelivery("in_app", "sent", delivered.length);
  const publish = r.live;
  if (publish && events.length > 0) afterCommit(() => publish(events));
  return delivered;
}
