/**
 * The reconciler: re-derives from MariaDB every reminder due in the next `lookaheadHours` (and
 * any missed in the past day and not delivered yet) and (re)adds its delayed send job under its
 * deterministic ID: reminders sharing an instant go in send-reminders batches of up to 100
 * (send-reminders.job.ts packSendJobs), a lone one in its own send-reminder job. Adding a job
 * whose ID is already queued changes nothing, so it runs as often as wanted: every 5 minutes as
 * a BullMQ job scheduler, and for one assignment right after a change commits. Whatever Redis
 * lost (FLUSHALL, a failover) is back within one run.
 */
import { addWorkingDays } from "../../calendar/working-days";
import { localDate } from "../../shared/clock";
import { extensionReminderDays, extensionReminderKind } from "../extension-reminders";
import { dueReminders } from "../ladder";
import { reportReminders } from "../report-reminders";
import { CATCH_UP_MS, type ReminderDeps, WEBHOOK_REQUEUE_AFTER_MS } from "../reminder-deps";
import {
  deliveredReminders,
  loadCalendarExceptions,
  loadLadders,
  loadSubject,
  maxDaysBefore,
  pendingExtensions,
  reminderKey,
  remindableSubjects,
  unreportedPeriods,
  type ReminderSubject,
} from "../reminder.store";
import { sendReminderJob, type SendReminderPayload } from "./send-reminder.job";
import type { SendJob } from "./send-reminders.job";

export const RECONCILE_REMINDERS = "reconcile-reminders" as const;

/** Ids only. Without an assignment: every assignment that can still get reminders. */
export interface ReconcilePayload {
  assignmentId?: number;
  /** Request ID of the API request that caused it (x-request-id), for the logs. */
  rid?: string;
}

export type { SendJob } from "./send-reminders.job";
/**
 * Puts the reminders due on the queue, each as its send-reminder job and instant (the worker
 * passes enqueueOn(queue), which packs those sharing an instant into send-reminders batches).
 */
export type EnqueueSendJobs = (jobs: SendJob[]) => Promise<void>;

export interface ReconcileResult {
  /** Assignments looked at. */
  assignments: number;
  /** Reminders falling in the window. */
  due: number;
  /** Of those, already delivered (not queued again). */
  delivered: number;
  /** Reminders handed to the queue (already queued jobs are left as they are). */
  enqueued: number;
  /** Pending webhook deliveries queued again (a full run only; see requeuePendingWebhooks). */
  webhooksRequeued: number;
}

const PAGE = 500;

/** Runs one reconcile job as of `now`. */
export async function handleReconcile(
  deps: ReminderDeps,
  payload: ReconcilePayload,
  enqueue: EnqueueSendJobs,
  now: Date = deps.clock.now(),
): Promise<ReconcileResult> {
  const m = deps.ds.manager;
  const from = now.getTime() - CATCH_UP_MS;
  const to = now.getTime() + deps.lookaheadHours * 3600 * 1000;
  const until = localDate(new Date(to), deps.timeZone);
  const calendar = await loadCalendarExceptions(m);
  const result: ReconcileResult = { assignments: 0, due: 0, delivered: 0, enqueued: 0, webhooksRequeued: 0 };
  // Everything due is handed to the queue at once, so that reminders sharing an instant can share
  // a batch whatever page or source they came from.
  const toSend: SendJob[] = [];
  const send = (rs: Array<SendReminderPayload & { fireAt: Date }>) => {
    for (const r of rs) toSend.push({ ...sendReminderJob(r, r.fireAt, now), fireAt: r.fireAt });
  };

  const reconcile = async (subjects: ReminderSubject[]) => {
    const ladders = await loadLadders(
      m,
      subjects.map((s) => s.planId),
    );
    const due = subjects.flatMap((s) =>
      dueReminders(s, ladders.get(s.planId)!, calendar, { timeZone: deps.timeZone, until })
        .filter((r) => r.fireAt.getTime() >= from && r.fireAt.getTime() <= to)
        .map((r) => ({ assignmentId: s.assignmentId, kind: r.kind, dueDate: s.dueDate!, fireAt: r.fireAt })),
    );
    const delivered = await deliveredReminders(m, due);
    const missing = due.filter((r) => !delivered.has(reminderKey(r.assignmentId, r.kind, r.dueDate)));
    send(missing);
    result.assignments += subjects.length;
    result.due += due.length;
    result.delivered += due.length - missing.length;
    result.enqueued += missing.length;
  };

  if (payload.assignmentId !== undefined) {
    const s = await loadSubject(m, payload.assignmentId);
    if (s) await reconcile([s]);
  } else {
    // A deadline this far ahead cannot have a rung inside the window yet.
    const dueOnOrBefore = addWorkingDays(until, await maxDaysBefore(m), calendar);
    for (let afterId = 0; ;) {
      const page = await remindableSubjects(m, { dueOnOrBefore, afterId, limit: PAGE });
      if (page.length === 0) break;
      await reconcile(page);
      afterId = page[page.length - 1].assignmentId;
      if (page.length < PAGE) break;
    }
  }
  // Extension requests awaiting a decision: a reminder to their approvers each working day.
  const extensions = await pendingExtensions(m, payload.assignmentId);
  if (extensions.length) {
    const ladders = await loadLadders(
      m,
      extensions.map((e) => e.planId),
    );
    const due = extensions.flatMap((e) =>
      extensionReminderDays(localDate(e.requestedAt, deps.timeZone), ladders.get(e.planId)!, calendar, {
        timeZone: deps.timeZone,
        from: localDate(new Date(from), deps.timeZone),
        until,
      })
        .filter((r) => r.fireAt.getTime() >= from && r.fireAt.getTime() <= to)
        .map((r) => ({
          assignmentId: e.assignmentId,
          kind: extensionReminderKind(e.extensionId),
          dueDate: r.day,
          fireAt: r.fireAt,
        })),
    );
    const delivered = await deliveredReminders(m, due);
    const missing = due.filter((r) => !delivered.has(reminderKey(r.assignmentId, r.kind, r.dueDate)));
    send(missing);
    result.due += due.length;
    result.delivered += due.length - missing.length;
    result.enqueued += missing.length;
  }
  // Reporting periods due soon that running assignments have not reported on yet.
  const fromDate = localDate(new Date(from), deps.timeZone);
  const open = await unreportedPeriods(m, {
    dueFrom: fromDate,
    dueTo: addWorkingDays(until, await maxDaysBefore(m), calendar),
    assignmentId: payload.assignmentId,
  });
  if (open.length) {
    const ladders = await loadLadders(
      m,
      open.map((o) => o.planId),
    );
    const keys = new Map<string, { assignmentId: number; kind: string; dueDate: string; fireAt: Date }>();
    for (const o of open)
      for (const r of reportReminders(o.dueDate, ladders.get(o.planId)!, calendar, deps.timeZone))
        if (r.fireAt.getTime() >= from && r.fireAt.getTime() <= to)
          keys.set(reminderKey(o.assignmentId, r.kind, o.dueDate), {
            assignmentId: o.assignmentId,
            kind: r.kind,
            dueDate: o.dueDate,
            fireAt: r.fireAt,
          });
    const due = [...keys.values()];
    const delivered = await deliveredReminders(m, due);
    const missing = due.filter((r) => !delivered.has(reminderKey(r.assignmentId, r.kind, r.dueDate)));
    send(missing.map((r) => ({ ...r, kind: r.kind as `report_due_before_${number}` })));
    result.due += due.length;
    result.delivered += due.length - missing.length;
    result.enqueued += missing.length;
  }
  if (toSend.length > 0) await enqueue(toSend);
  if (payload.assignmentId === undefined) result.webhooksRequeued = await requeuePendingWebhooks(deps);
  deps.logger?.info({ job: RECONCILE_REMINDERS, ...payload, ...result }, "reminders reconciled");
  return result;
}

/**
 * Webhook deliveries are rows first and jobs second (written in the producer's transaction, queued
 * after commit). When the enqueue failed (Redis down at that moment) or Redis lost the job, the row
 * stays pending with nothing to send it: queue again every pending delivery untouched for
 * `webhookRequeueAfterMs` and past its next attempt. The job id is the one its generation was
 * queued under (webhook-<id>, or webhook-<id>-<attempts> after retryWebhookDelivery), so a job
 * Redis still holds is not added twice; and a second job of one delivery posts nothing once the
 * first succeeded (deliver-webhook locks the row and re-reads its status). Returns how many.
 */
async function requeuePendingWebhooks(deps: ReminderDeps): Promise<number> {
  if (!deps.enqueueWebhooks) return 0;
  const graceMs = deps.webhookRequeueAfterMs ?? WEBHOOK_REQUEUE_AFTER_MS;
  const rows: Array<{ id: number | string; attempts: number | string }> = await deps.ds.query(
    `SELECT id, attempts FROM webhook_delivery
      WHERE status = 'pending' AND updated_at < NOW(3) - INTERVAL ? MICROSECOND
        AND (next_attempt_at IS NULL OR next_attempt_at < ?)
      ORDER BY id LIMIT 10000`,
    [graceMs * 1000, new Date(Date.now() - graceMs)],
  );
  const byGeneration = new Map<number, number[]>();
  for (const r of rows) {
    const attempts = Number(r.attempts);
    const ids = byGeneration.get(attempts) ?? [];
    ids.push(Number(r.id));
    byGeneration.set(attempts, ids);
  }
  for (const [retry, ids] of byGeneration) await deps.enqueueWebhooks(ids, { retry });
  if (rows.length > 0)
    deps.logger?.warn(
      { job: RECONCILE_REMINDERS, webhooks: rows.length },
      "pending webhook deliveries queued again",
    );
  return rows.length;
}
