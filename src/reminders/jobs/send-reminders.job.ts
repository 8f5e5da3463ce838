/**
 * Sends a batch of reminders that fire at the same instant: one BullMQ job for up to
 * REMINDER_BATCH_SIZE reminders instead of one each, run set-based (deadline-reminders.ts), so
 * that Redis and MariaDB see a handful of commands and statements per batch rather than per
 * reminder. Every reminder in it gets exactly the outcome it would get as a send-reminder job of
 * its own (skipped when the world moved on, early, delivered once per recipient by the unique
 * key); reminders of an extension or a report period run through that job's handler, one by one.
 *
 * The reconciler's output is packed here (packSendJobs): reminders grouped by instant, sorted by
 * key, cut into chunks; a chunk of one stays a send-reminder job under its own id. A batch's id is
 * deterministic (rems-<instant>-<hash of its members' keys>), so the reconciler adding the same
 * batch again changes nothing. When the membership at an instant changes between two runs (work
 * assigned, done, moved), the new chunks get new ids and may overlap jobs already queued: a
 * reminder in two batches is still delivered once (the unique key), the second run finds it done.
 */
import { createHash } from "node:crypto";
import type { JobsOptions } from "bullmq";
import { type DeadlineReminder, sendDeadlineReminders } from "../deadline-reminders";
import { isReminderKind } from "../ladder";
import type { ReminderDeps } from "../reminder-deps";
import type { SendReminderPayload, SendReminderResult, SkipReason } from "../reminder-outcome";
import {
  handleSendReminder,
  isValidReminderPayload,
  SEND_REMINDER_OPTIONS,
  sendReminderJob,
} from "./send-reminder.job";

export const SEND_REMINDERS = "send-reminders" as const;

/** Reminders per batch job at most. */
export const REMINDER_BATCH_SIZE = 100;

/**
 * Ids, kinds and due dates only, grouped by kind and due date (a batch is mostly one rung of many
 * assignments, so each id is a few bytes in Redis).
 */
export interface SendRemindersPayload {
  groups: Array<{ kind: SendReminderPayload["kind"]; dueDate: string; assignmentIds: number[] }>;
}

/** A reminder due at `fireAt`, as its own send-reminder job: what the reconciler hands the queue. */
export type SendJob = ReturnType<typeof sendReminderJob> & { fireAt: Date };

export type SendRemindersJob = {
  name: typeof SEND_REMINDERS;
  data: SendRemindersPayload;
  opts: JobsOptions;
};

/** What packSendJobs puts on the queue: batches, and single jobs where an instant has one reminder. */
export type PackedSendJob = ReturnType<typeof sendReminderJob> | SendRemindersJob;

function keyOf(p: SendReminderPayload): string {
  return `${p.assignmentId}|${p.kind}|${p.dueDate}`;
}

function byKey(a: SendReminderPayload, b: SendReminderPayload): number {
  return (
    a.assignmentId - b.assignmentId ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0)
  );
}

/**
 * rems-<instant, UTC, to the second>-<12 hex digits of SHA-256 over the members' sorted keys>:
 * the same batch whoever packs it, short (34 characters) and without ':' (BullMQ 6 refuses it).
 */
export function sendRemindersJobId(fireAt: Date, members: readonly SendReminderPayload[]): string {
  const keys = members.map(keyOf).sort();
  const hash = createHash("sha256").update(keys.join("\n")).digest("hex").slice(0, 12);
  return `rems-${fireAt.toISOString().replace(/[-:]|\.\d+/g, "")}-${hash}`;
}

function batchJob(members: readonly SendReminderPayload[], fireAt: Date, delay: number): SendRemindersJob {
  const sorted = [...members].sort(byKey);
  const groups: SendRemindersPayload["groups"] = [];
  const byRung = new Map<string, SendRemindersPayload["groups"][number]>();
  for (const p of sorted) {
    const rung = `${p.kind}|${p.dueDate}`;
    let g = byRung.get(rung);
    if (!g) {
      g = { kind: p.kind, dueDate: p.dueDate, assignmentIds: [] };
      byRung.set(rung, g);
      groups.push(g);
    }
    g.assignmentIds.push(p.assignmentId);
  }
  return {
    name: SEND_REMINDERS,
    data: { groups },
    opts: { ...SEND_REMINDER_OPTIONS, jobId: sendRemindersJobId(fireAt, sorted), delay },
  };
}

/** The batch job that sends `members` (all due at `fireAt`) at `fireAt` (delay counted from `now`). */
export function sendRemindersJob(
  members: readonly SendReminderPayload[],
  fireAt: Date,
  now: Date,
): SendRemindersJob {
  return batchJob(members, fireAt, Math.max(0, fireAt.getTime() - now.getTime()));
}

/**
 * Packs reminders into jobs: by instant, each reminder once, sorted by key (assignment, kind, due
 * date), cut into chunks of `size`; a chunk of one is the reminder's own send-reminder job.
 * Deterministic: the same reminders give the same jobs and ids.
 */
export function packSendJobs(jobs: readonly SendJob[], size: number = REMINDER_BATCH_SIZE): PackedSendJob[] {
  const byInstant = new Map<number, Map<string, SendJob>>();
  for (const j of jobs) {
    const t = j.fireAt.getTime();
    const at = byInstant.get(t) ?? new Map<string, SendJob>();
    if (!at.has(keyOf(j.data))) at.set(keyOf(j.data), j);
    byInstant.set(t, at);
  }
  const out: PackedSendJob[] = [];
  for (const [t, at] of [...byInstant].sort((a, b) => a[0] - b[0])) {
    const members = [...at.values()].sort((a, b) => byKey(a.data, b.data));
    for (let i = 0; i < members.length; i += size) {
      const chunk = members.slice(i, i + size);
      if (chunk.length === 1) {
        const { name, data, opts } = chunk[0];
        out.push({ name, data, opts });
      } else
        out.push(
          batchJob(
            chunk.map((c) => c.data),
            new Date(t),
            chunk[0].opts.delay ?? 0,
          ),
        );
    }
  }
  return out;
}

/** The reminders of a batch job's data, in its order (a malformed group gives one invalid reminder). */
export function remindersOf(payload: SendRemindersPayload): SendReminderPayload[] {
  const groups: unknown = payload?.groups;
  if (!Array.isArray(groups)) return [{ assignmentId: NaN, kind: "due_today", dueDate: "" }];
  return (groups as Array<Partial<SendRemindersPayload["groups"][number]> | null>).flatMap((g) =>
    (Array.isArray(g?.assignmentIds) ? g.assignmentIds : [NaN]).map(
      (assignmentId) => ({ assignmentId, kind: g?.kind, dueDate: g?.dueDate }) as SendReminderPayload,
    ),
  );
}

/**
 * Runs the reminders of one batch as of `now`; returns one outcome per reminder, in order (a
 * reminder listed twice runs once and shares its outcome). Deadline rungs go set-based, all at
 * once; extension and report reminders one by one. Throws after trying every reminder when one
 * failed (an e-mail refused, a deadlock), so the job is retried; what committed stays committed.
 */
export async function handleSendReminders(
  deps: ReminderDeps,
  reminders: readonly SendReminderPayload[],
  now: Date = deps.clock.now(),
): Promise<SendReminderResult[]> {
  const results: SendReminderResult[] = new Array(reminders.length);
  const firstOf = new Map<string, number>();
  const rungs: number[] = [];
  const others: number[] = [];
  reminders.forEach((p, at) => {
    if (firstOf.has(keyOf(p))) return;
    firstOf.set(keyOf(p), at);
    (isValidReminderPayload(p) && isReminderKind(p.kind) ? rungs : others).push(at);
  });
  let failure: unknown = null;
  if (rungs.length > 0) {
    try {
      const done = await sendDeadlineReminders(
        deps,
        rungs.map((at) => reminders[at] as DeadlineReminder),
        now,
      );
      done.forEach((r, i) => (results[rungs[i]] = r));
    } catch (err) {
      failure = err;
    }
  }
  for (const at of others) {
    try {
      results[at] = await handleSendReminder(deps, reminders[at], now);
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
  reminders.forEach((p, at) => (results[at] ??= results[firstOf.get(keyOf(p))!]));
  return results;
}

/** The reminders of a batch that ran before their instant, with that instant. */
export function earlyReminders(
  reminders: readonly SendReminderPayload[],
  results: readonly SendReminderResult[],
): Array<{ reminder: SendReminderPayload; fireAt: Date }> {
  return reminders.flatMap((reminder, i) => {
    const r = results[i];
    return r.status === "early" ? [{ reminder, fireAt: new Date(r.fireAt) }] : [];
  });
}

/** What a batch job returns (kept in Redis with the finished job): counts, not the reminders. */
export interface SendRemindersSummary {
  reminders: number;
  delivered: number;
  newlyNotified: number;
  early: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export function summarize(results: readonly SendReminderResult[]): SendRemindersSummary {
  const out: SendRemindersSummary = {
    reminders: results.length,
    delivered: 0,
    newlyNotified: 0,
    early: 0,
    skipped: {},
  };
  for (const r of results) {
    if (r.status === "delivered") {
      out.delivered += 1;
      out.newlyNotified += r.newlyNotified;
    } else if (r.status === "early") out.early += 1;
    else out.skipped[r.reason] = (out.skipped[r.reason] ?? 0) + 1;
  }
  return out;
}
