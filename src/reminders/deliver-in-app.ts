import type { UnitOfWork } from "../db/transaction";
import { insertNotifications } from "../notifications/notification.store";
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

/** One reminder in the app (deliverInAppAll). */
export async function deliverInApp(uow: UnitOfWork, r: InAppReminder): Promise<number[]> {
  return (await deliverInAppAll(uow, [r], r.live))[0];
}

/**
 * The in-app channel, exactly once, for any number of reminders in three statements: INSERT
 * IGNORE every (reminder, recipient) delivery row under its unique key (assignment, kind, due
 * date, recipient, channel) in one statement, which RETURNs the rows it inserted; write the
 * notifications of those new rows only, in one statement; link each row to its notification in
 * one statement; all in the caller's transaction. A second run, or a concurrent one (which waits
 * on the first's row locks), inserts nothing and notifies no one again. Rows go in in key order,
 * so two runs sharing reminders lock them in the same order. The link is an UPDATE by primary key
 * with the index forced: when its ids are a large part of a small table, the optimizer would
 * rather scan the whole index, locking (repeatable read) the rows of every concurrent batch, and
 * two batches then deadlock on each other's rows.
 * Returns, per reminder, the recipients notified by this call. The new notifications go to live
 * subscribers (`live`) once the transaction commits, and only then.
 */
export async function deliverInAppAll(
  { manager: m, afterCommit }: UnitOfWork,
  reminders: readonly Omit<InAppReminder, "live">[],
  live?: (events: readonly LiveEvent[]) => Promise<void>,
): Promise<number[][]> {
  const delivered = reminders.map((): number[] => []);
  const keyOf = (assignmentId: number, kind: string, dueDate: string, userId: number) =>
    `${assignmentId}|${kind}|${dueDate}|${userId}`;
  const rows = new Map<
    string,
    { at: number; assignmentId: number; kind: string; dueDate: string; userId: number }
  >();
  reminders.forEach((r, at) => {
    for (const userId of r.recipientUserIds) {
      const key = keyOf(r.assignmentId, r.kind, r.dueDate, userId);
      if (!rows.has(key))
        rows.set(key, { at, assignmentId: r.assignmentId, kind: r.kind, dueDate: r.dueDate, userId });
    }
  });
  if (rows.size === 0) return delivered;
  const ordered = [...rows.values()].sort(
    (a, b) =>
      a.assignmentId - b.assignmentId ||
      cmp(a.kind, b.kind) ||
      cmp(a.dueDate, b.dueDate) ||
      a.userId - b.userId,
  );
  const inserted: Array<{
    id: number | string;
    assignment_id: number | string;
    kind: string;
    due_date: string;
    recipient_user_id: number | string;
  }> = await m.query(
    `INSERT IGNORE INTO reminder_delivery (assignment_id, kind, due_date, recipient_user_id, channel)
     VALUES ${ordered.map(() => "(?, ?, ?, ?, ?)").join(", ")}
     RETURNING id, assignment_id, kind, DATE_FORMAT(due_date, '%Y-%m-%d') AS due_date, recipient_user_id`,
    ordered.flatMap((r) => [r.assignmentId, r.kind, r.dueDate, r.userId, DeliveryChannel.IN_APP]),
  );
  countDelivery("in_app", "duplicate", ordered.length - inserted.length);
  if (inserted.length === 0) return delivered;
  const fresh = inserted.map((d) => {
    const row = rows.get(keyOf(Number(d.assignment_id), d.kind, d.due_date, Number(d.recipient_user_id)));
    if (!row) throw new Error(`reminder_delivery ${d.id} inserted for no reminder of this run`);
    return { deliveryId: Number(d.id), ...row };
  });
  const notificationIds = await insertNotifications(
    m,
    fresh.map((f) => ({ userId: f.userId, ...reminders[f.at].notification })),
  );
  await m.query(
    `UPDATE reminder_delivery FORCE INDEX (PRIMARY) SET notification_id = CASE id ${fresh.map(() => "WHEN ? THEN ?").join(" ")} END
     WHERE id IN (${fresh.map(() => "?").join(", ")})`,
    [...fresh.flatMap((f, i) => [f.deliveryId, notificationIds[i]]), ...fresh.map((f) => f.deliveryId)],
  );
  const events: LiveEvent[] = fresh.map((f, i) => {
    delivered[f.at].push(f.userId);
    return { type: "added", userId: f.userId, notificationId: notificationIds[i] };
  });
  countDelivery("in_app", "sent", events.length);
  if (live && events.length > 0) afterCommit(() => live(events));
  return delivered;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
