/**
 * Task events for webhooks: rows in webhook_delivery written in the producer's transaction
 * (MariaDB stays the source of truth), then put on the queue after commit. The unique
 * (subscription, dedupe key) with INSERT IGNORE makes each event reach each subscription once
 * however often its producer runs.
 */
import type { EntityManager } from "typeorm";
import type { WebhookEvent } from "./webhook-input";

export interface TaskEvent {
  event: WebhookEvent;
  assignmentIds: readonly number[];
  /**
   * What makes this occurrence unique for one assignment; by default the assignment's latest
   * workflow event (each status change writes one), so "approved" twice after a reopen is two events.
   */
  keyOf?: (assignmentId: number) => string;
}

/**
 * Writes one pending delivery per (assignment, active subscription of its assignee or assigner
 * organization that follows `event`). Returns the ids of the deliveries of this occurrence.
 */
export async function recordTaskEvent(manager: EntityManager, e: TaskEvent): Promise<number[]> {
  const ids = [...new Set(e.assignmentIds.map(Number))];
  if (ids.length === 0) return [];
  const rows: Array<{
    sub_id: number | string;
    assignment_id: number | string;
    task_id: number | string;
    org_id: number | string;
    status: string;
    last_event_id: number | string | null;
  }> = await manager.query(
    `SELECT s.id AS sub_id, a.id AS assignment_id, a.task_id, a.org_id, a.status,
            (SELECT MAX(ev.id) FROM assignment_event ev WHERE ev.assignment_id = a.id) AS last_event_id
       FROM assignment a
       JOIN webhook_subscription s
         ON s.org_id IN (a.org_id, a.assigner_org_id) AND s.active = 1 AND FIND_IN_SET(?, s.events) > 0
      WHERE a.id IN (${ids.map(() => "?").join(", ")})
      ORDER BY s.id, a.id`,
    [e.event, ...ids],
  );
  if (rows.length === 0) return [];
  const values = rows.map((r) => {
    const assignmentId = Number(r.assignment_id);
    const key = e.keyOf ? e.keyOf(assignmentId) : `ev${r.last_event_id ?? 0}`;
    return {
      subscriptionId: Number(r.sub_id),
      dedupeKey: `${e.event}:a${assignmentId}:${key}`.slice(0, 191),
      payload: { assignmentId, taskId: Number(r.task_id), orgId: Number(r.org_id), status: r.status },
    };
  });
  await manager.query(
    `INSERT IGNORE INTO webhook_delivery (subscription_id, event, payload, dedupe_key)
     VALUES ${values.map(() => "(?, ?, ?, ?)").join(", ")}`,
    values.flatMap((v) => [v.subscriptionId, e.event, JSON.stringify(v.payload), v.dedupeKey]),
  );
  const found: Array<{ id: number | string }> = await manager.query(
    `SELECT id FROM webhook_delivery WHERE status = 'pending' AND (subscription_id, dedupe_key) IN (${values
      .map(() => "(?, ?)")
      .join(", ")})`,
    values.flatMap((v) => [v.subscriptionId, v.dedupeKey]),
  );
  return found.map((r) => Number(r.id));
}
