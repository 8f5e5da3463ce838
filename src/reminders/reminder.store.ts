/**
 * What the reminder jobs read from MariaDB, the source of truth: the assignment as it is now, the
 * plan's ladder, the working calendar, the people to tell, and what was already delivered.
 */
import type { EntityManager } from "typeorm";
import { CalendarDay, type CalendarDayKind } from "../calendar/calendar-day.entity";
import type { CalendarExceptions } from "../calendar/working-days";
import { Role } from "../shared/roles";
import type { AssignmentStatus } from "../workflow/assignment.states";
import { ACTING_ROLES } from "../workflow/workflow.policy";
import {
  type Audience,
  DEFAULT_LADDER,
  ladderProblems,
  REMINDABLE_STATUSES,
  type ReminderLadder,
} from "./ladder";
import { DeliveryChannel } from "./reminder-delivery.entity";
import { PlanReminderSettings } from "./reminder-settings.entity";

/** One assignment as a reminder needs it. */
export interface ReminderSubject {
  assignmentId: number;
  taskId: number;
  planId: number;
  status: AssignmentStatus;
  dueDate: string | null;
  orgId: number;
  assigneeUserId: number | null;
  assignerOrgId: number;
  taskCode: string;
  taskTitle: string;
  orgName: string;
  /** Materialised path of the plan's scope unit: its coordinators sit on it or above. */
  planScopePath: string;
}

interface SubjectRow {
  id: number | string;
  task_id: number | string;
  plan_id: number | string;
  status: AssignmentStatus;
  due_date: string | null;
  org_id: number | string;
  assignee_user_id: number | string | null;
  assigner_org_id: number | string;
  task_code: string;
  task_title: string;
  org_name: string;
  plan_scope_path: string;
}

const SUBJECT_SQL = `
  SELECT a.id, a.task_id, t.plan_id, a.status, DATE_FORMAT(a.due_date, '%Y-%m-%d') AS due_date,
         a.org_id, a.assignee_user_id, a.assigner_org_id, t.code AS task_code, t.title AS task_title,
         o.name AS org_name, su.path AS plan_scope_path
  FROM assignment a
  JOIN task t ON t.id = a.task_id
  JOIN organization o ON o.id = a.org_id
  JOIN plan p ON p.id = t.plan_id
  JOIN admin_unit su ON su.id = p.scope_unit_id`;

function toSubject(r: SubjectRow): ReminderSubject {
  return {
    assignmentId: Number(r.id),
    taskId: Number(r.task_id),
    planId: Number(r.plan_id),
    status: r.status,
    dueDate: r.due_date,
    orgId: Number(r.org_id),
    assigneeUserId: r.assignee_user_id === null ? null : Number(r.assignee_user_id),
    assignerOrgId: Number(r.assigner_org_id),
    taskCode: r.task_code,
    taskTitle: r.task_title,
    orgName: r.org_name,
    planScopePath: r.plan_scope_path,
  };
}

/** The assignment as it is now; null when it no longer exists. */
export async function loadSubject(m: EntityManager, assignmentId: number): Promise<ReminderSubject | null> {
  const rows: SubjectRow[] = await m.query(`${SUBJECT_SQL} WHERE a.id = ?`, [assignmentId]);
  return rows[0] ? toSubject(rows[0]) : null;
}

/** Some assignments as they are now, by id (missing ones are left out); one statement. */
export async function loadSubjects(
  m: EntityManager,
  assignmentIds: readonly number[],
): Promise<Map<number, ReminderSubject>> {
  const ids = [...new Set(assignmentIds)];
  if (ids.length === 0) return new Map();
  const rows: SubjectRow[] = await m.query(
    `${SUBJECT_SQL} WHERE a.id IN (${ids.map(() => "?").join(", ")})`,
    ids,
  );
  return new Map(rows.map((r) => [Number(r.id), toSubject(r)]));
}

/**
 * A page of assignments that can still get reminders (a remindable status and a due date on or
 * before `dueOnOrBefore`), in id order after `afterId`.
 */
export async function remindableSubjects(
  m: EntityManager,
  opts: { dueOnOrBefore: string; afterId: number; limit: number },
): Promise<ReminderSubject[]> {
  const rows: SubjectRow[] = await m.query(
    `${SUBJECT_SQL}
     WHERE a.id > ? AND a.due_date IS NOT NULL AND a.due_date <= ? AND a.status IN (?)
     ORDER BY a.id LIMIT ?`,
    [opts.afterId, opts.dueOnOrBefore, REMINDABLE_STATUSES, opts.limit],
  );
  return rows.map(toSubject);
}

/** The working calendar's exceptions (a few dozen rows a year). */
export async function loadCalendarExceptions(m: EntityManager): Promise<CalendarExceptions> {
  const rows = await m.getRepository(CalendarDay).find();
  return new Map<string, CalendarDayKind>(rows.map((r) => [r.date, r.kind]));
}

/** A plan's settings as a ladder; a row that breaks the limits falls back to the default. */
export function ladderFromSettings(s: PlanReminderSettings | undefined): ReminderLadder {
  if (!s) return DEFAULT_LADDER;
  const ladder: ReminderLadder = {
    daysBefore: s.daysBefore,
    onDueDate: Boolean(s.onDueDate),
    overdueEveryWorkingDays: Number(s.overdueEveryWorkingDays),
    escalateAfterWorkingDays: Number(s.escalateAfterWorkingDays),
    localHour: Number(s.localHour),
  };
  return ladderProblems(ladder).length === 0 ? ladder : DEFAULT_LADDER;
}

/** The ladders of some plans, by plan id (the default for plans without settings). */
export async function loadLadders(m: EntityManager, planIds: number[]): Promise<Map<number, ReminderLadder>> {
  const ids = [...new Set(planIds)];
  const rows = ids.length
    ? await m
        .getRepository(PlanReminderSettings)
        .createQueryBuilder("s")
        .where("s.plan_id IN (:...ids)", { ids })
        .getMany()
    : [];
  const byPlan = new Map(rows.map((r) => [r.planId, r]));
  return new Map(ids.map((id) => [id, ladderFromSettings(byPlan.get(id))]));
}

/** The largest "days before" any plan's ladder uses (how far ahead a deadline can start reminding). */
export async function maxDaysBefore(m: EntityManager): Promise<number> {
  const rows = await m
    .getRepository(PlanReminderSettings)
    .find({ select: { planId: true, daysBefore: true } });
  return Math.max(...DEFAULT_LADDER.daysBefore, ...rows.flatMap((r) => r.daysBefore), 1);
}

const ACTIVE = "active";

/** Who one reminder is for: its assignment and the audiences of its rung. */
export interface RecipientRequest {
  subject: ReminderSubject;
  audiences: readonly Audience[];
}

/**
 * The people each request's audiences stand for, as user ids in ascending order (the order rows
 * are locked in, so concurrent deliveries never deadlock on each other), all requests in one
 * statement:
 * - assignee: the named member, if any and active, and the acting members of the assigned organization;
 * - assigner: the acting members of the assigning organization;
 * - coordinators: active provincial coordinators whose unit is the plan's scope or above it.
 * "Acting members": active users of the organization holding a role that acts for it.
 */
export async function resolveRecipientsOf(
  m: EntityManager,
  requests: readonly RecipientRequest[],
): Promise<number[][]> {
  const named = new Set<number>();
  const orgs = new Set<number>();
  const scopes = new Set<string>();
  for (const { subject: s, audiences } of requests) {
    if (audiences.includes("assignee")) {
      if (s.assigneeUserId !== null) named.add(s.assigneeUserId);
      orgs.add(s.orgId);
    }
    if (audiences.includes("assigner")) orgs.add(s.assignerOrgId);
    if (audiences.includes("coordinators")) scopes.add(s.planScopePath);
  }
  // One row per (source, key, user): 'n' a named user by id, 'o' an acting member by organization,
  // 'c' a coordinator by the path of their unit (matched against each plan's scope below). Every
  // part names its columns: the first part present names the result's.
  const parts: string[] = [];
  const params: unknown[] = [];
  if (named.size > 0) {
    parts.push(
      `SELECT 'n' AS src, CAST(u.id AS CHAR) AS k, u.id AS user_id FROM app_user u
        WHERE u.id IN (${[...named].map(() => "?").join(", ")}) AND u.status = ?`,
    );
    params.push(...named, ACTIVE);
  }
  if (orgs.size > 0) {
    parts.push(
      `SELECT DISTINCT 'o' AS src, CAST(u.org_id AS CHAR) AS k, u.id AS user_id FROM app_user u JOIN user_role r ON r.user_id = u.id
        WHERE u.org_id IN (${[...orgs].map(() => "?").join(", ")}) AND u.status = ? AND r.role IN (?)`,
    );
    params.push(...orgs, ACTIVE, ACTING_ROLES);
  }
  if (scopes.size > 0) {
    parts.push(
      `SELECT DISTINCT 'c' AS src, un.path AS k, u.id AS user_id FROM app_user u
         JOIN user_role r ON r.user_id = u.id
         JOIN organization o ON o.id = u.org_id
         JOIN admin_unit un ON un.id = o.unit_id
        WHERE r.role = ? AND u.status = ?
          AND (${[...scopes].map(() => "LEFT(?, CHAR_LENGTH(un.path)) = un.path").join(" OR ")})`,
    );
    params.push(Role.PROVINCIAL_COORDINATOR, ACTIVE, ...scopes);
  }
  const rows: Array<{ src: string; k: string; user_id: number | string }> = parts.length
    ? await m.query(parts.join("\n UNION ALL \n"), params)
    : [];
  const activeNamed = new Set<number>();
  const membersOf = new Map<number, number[]>();
  const coordinators: Array<{ path: string; userId: number }> = [];
  for (const r of rows) {
    const userId = Number(r.user_id);
    if (r.src === "n") activeNamed.add(userId);
    else if (r.src === "o") {
      const list = membersOf.get(Number(r.k)) ?? [];
      list.push(userId);
      membersOf.set(Number(r.k), list);
    } else coordinators.push({ path: String(r.k), userId });
  }
  return requests.map(({ subject: s, audiences }) => {
    const ids = new Set<number>();
    for (const audience of audiences) {
      if (audience === "assignee") {
        if (s.assigneeUserId !== null && activeNamed.has(s.assigneeUserId)) ids.add(s.assigneeUserId);
        for (const id of membersOf.get(s.orgId) ?? []) ids.add(id);
      } else if (audience === "assigner") {
        for (const id of membersOf.get(s.assignerOrgId) ?? []) ids.add(id);
      } else {
        for (const c of coordinators) if (s.planScopePath.startsWith(c.path)) ids.add(c.userId);
      }
    }
    return [...ids].sort((a, b) => a - b);
  });
}

/** The people `audiences` stand for, for one assignment (resolveRecipientsOf). */
export async function resolveRecipients(
  m: EntityManager,
  s: ReminderSubject,
  audiences: readonly Audience[],
): Promise<number[]> {
  return (await resolveRecipientsOf(m, [{ subject: s, audiences }]))[0];
}

/** "assignmentId|kind|dueDate" of the reminders among `keys` already delivered in the app. */
export async function deliveredReminders(
  m: EntityManager,
  keys: Array<{ assignmentId: number; kind: string; dueDate: string }>,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const rows: Array<{ assignment_id: number | string; kind: string; due_date: string }> = await m.query(
      `SELECT DISTINCT assignment_id, kind, DATE_FORMAT(due_date, '%Y-%m-%d') AS due_date
       FROM reminder_delivery
       WHERE channel = ? AND (assignment_id, kind, due_date) IN (${chunk.map(() => "(?, ?, ?)").join(", ")})`,
      [DeliveryChannel.IN_APP, ...chunk.flatMap((k) => [k.assignmentId, k.kind, k.dueDate])],
    );
    for (const r of rows) out.add(reminderKey(Number(r.assignment_id), r.kind, r.due_date));
  }
  return out;
}

export function reminderKey(assignmentId: number, kind: string, dueDate: string): string {
  return `${assignmentId}|${kind}|${dueDate}`;
}

/** A deadline extension request, as its approver's reminders need it. */
export interface ExtensionSubject {
  extensionId: number;
  assignmentId: number;
  planId: number;
  status: string;
  /** When it was asked for (the local day follows from the plan's time zone). */
  requestedAt: Date;
  currentDueDate: string | null;
  requestedDueDate: string;
}

interface ExtensionRow {
  id: number | string;
  assignment_id: number | string;
  plan_id: number | string;
  status: string;
  created_at: Date | string;
  current_due_date: string | null;
  requested_due_date: string;
}

const EXTENSION_SQL = `
  SELECT e.id, e.assignment_id, t.plan_id, e.status, e.created_at,
         DATE_FORMAT(e.current_due_date, '%Y-%m-%d') AS current_due_date,
         DATE_FORMAT(e.requested_due_date, '%Y-%m-%d') AS requested_due_date
  FROM deadline_extension e
  JOIN assignment a ON a.id = e.assignment_id
  JOIN task t ON t.id = a.task_id`;

function toExtension(r: ExtensionRow): ExtensionSubject {
  return {
    extensionId: Number(r.id),
    assignmentId: Number(r.assignment_id),
    planId: Number(r.plan_id),
    status: r.status,
    requestedAt: r.created_at instanceof Date ? r.created_at : new Date(`${r.created_at}Z`),
    currentDueDate: r.current_due_date,
    requestedDueDate: r.requested_due_date,
  };
}

/** One extension request as it is now; null when it no longer exists. */
export async function loadExtension(m: EntityManager, extensionId: number): Promise<ExtensionSubject | null> {
  const rows: ExtensionRow[] = await m.query(`${EXTENSION_SQL} WHERE e.id = ?`, [extensionId]);
  return rows[0] ? toExtension(rows[0]) : null;
}

/** Requests awaiting a decision: of one assignment, or all of them. */
export async function pendingExtensions(
  m: EntityManager,
  assignmentId?: number,
): Promise<ExtensionSubject[]> {
  const rows: ExtensionRow[] =
    assignmentId === undefined
      ? await m.query(`${EXTENSION_SQL} WHERE e.status = 'pending' ORDER BY e.id`)
      : await m.query(`${EXTENSION_SQL} WHERE e.status = 'pending' AND e.assignment_id = ? ORDER BY e.id`, [
          assignmentId,
        ]);
  return rows.map(toExtension);
}

/** A reporting period an assignment has not reported on yet. */
export interface UnreportedPeriod {
  assignmentId: number;
  planId: number;
  periodId: number;
  kind: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
}

/**
 * Periods due from `dueFrom` to `dueTo` of the plans of running assignments (one assignment, or
 * all), paired with each such assignment that has no report covering the period (by period_id, or
 * the same kind and dates).
 */
export async function unreportedPeriods(
  m: EntityManager,
  opts: { dueFrom: string; dueTo: string; assignmentId?: number },
): Promise<UnreportedPeriod[]> {
  const rows: Array<Record<string, string | number>> = await m.query(
    `SELECT a.id AS assignment_id, t.plan_id, rp.id AS period_id, rp.kind,
            DATE_FORMAT(rp.period_start, '%Y-%m-%d') AS period_start,
            DATE_FORMAT(rp.period_end, '%Y-%m-%d') AS period_end,
            DATE_FORMAT(rp.due_date, '%Y-%m-%d') AS due_date
     FROM reporting_period rp
     JOIN task t ON t.plan_id = rp.plan_id
     JOIN assignment a ON a.task_id = t.id
     WHERE rp.due_date BETWEEN ? AND ? AND a.status IN (?) ${opts.assignmentId === undefined ? "" : "AND a.id = ?"}
       AND NOT EXISTS (
         SELECT 1 FROM progress_report r WHERE r.assignment_id = a.id
           AND (r.period_id = rp.id OR (r.period_kind = rp.kind AND r.period_start = rp.period_start
                                        AND r.period_end = rp.period_end)))
     ORDER BY a.id, rp.due_date, rp.id`,
    [
      opts.dueFrom,
      opts.dueTo,
      REMINDABLE_STATUSES,
      ...(opts.assignmentId === undefined ? [] : [opts.assignmentId]),
    ],
  );
  return rows.map((r) => ({
    assignmentId: Number(r.assignment_id),
    planId: Number(r.plan_id),
    periodId: Number(r.period_id),
    kind: String(r.kind),
    periodStart: String(r.period_start),
    periodEnd: String(r.period_end),
    dueDate: String(r.due_date),
  }));
}
