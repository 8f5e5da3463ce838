/**
 * What a user's daily digest lists, read from MariaDB when it is sent (never from the queue):
 * the running work they answer for (named on it, or an acting member of the assigned
 * organization) that is due within the plan's reminder horizon, due today or overdue; and the
 * overdue work escalated to them (an acting member of the assigning organization, or a
 * coordinator of the plan's scope or above) once it is past the plan ladder's escalation delay.
 */
import type { EntityManager } from "typeorm";
import { addWorkingDays, type CalendarExceptions, workingDaysBetween } from "../../calendar/working-days";
import { Role } from "../../shared/roles";
import { ACTING_ROLES } from "../../workflow/workflow.policy";
import { REMINDABLE_STATUSES } from "../ladder";
import { loadLadders, maxDaysBefore } from "../reminder.store";
import type { DigestItem, DigestSections } from "./render-digest";

/** The user a digest goes to, as it needs them; null when gone, disabled or without an address. */
export interface DigestRecipient {
  userId: number;
  email: string;
  orgId: number;
  unitPath: string;
  acting: boolean;
  coordinator: boolean;
}

export async function loadDigestRecipient(m: EntityManager, userId: number): Promise<DigestRecipient | null> {
  const [u]: Array<{ id: number; email: string | null; org_id: number; path: string }> = await m.query(
    `SELECT u.id, u.email, u.org_id, un.path FROM app_user u
     JOIN organization o ON o.id = u.org_id JOIN admin_unit un ON un.id = o.unit_id
     WHERE u.id = ? AND u.status = 'active'`,
    [userId],
  );
  if (!u || !u.email?.trim()) return null;
  const roles: Array<{ role: Role }> = await m.query("SELECT role FROM user_role WHERE user_id = ?", [
    userId,
  ]);
  const has = (rs: readonly Role[]) => roles.some((r) => rs.includes(r.role));
  return {
    userId,
    email: u.email.trim(),
    orgId: Number(u.org_id),
    unitPath: u.path,
    acting: has(ACTING_ROLES),
    coordinator: has([Role.PROVINCIAL_COORDINATOR]),
  };
}

/** At most this many rows are read for one digest (the rendering lists fewer and counts the rest). */
const MAX_ROWS = 2000;

/** The digest's three sections for `r` on local date `today`. */
export async function collectDigest(
  m: EntityManager,
  r: DigestRecipient,
  today: string,
  calendar: CalendarExceptions,
): Promise<DigestSections> {
  const horizon = addWorkingDays(today, await maxDaysBefore(m), calendar);
  const rows: Array<Record<string, string | number | null>> = await m.query(
    `SELECT a.id, t.plan_id, t.code, t.title, o.name AS org_name,
            DATE_FORMAT(a.due_date, '%Y-%m-%d') AS due_date,
            (a.assignee_user_id = ? OR (? AND a.org_id = ?)) AS mine
     FROM assignment a
     JOIN task t ON t.id = a.task_id
     JOIN organization o ON o.id = a.org_id
     JOIN plan p ON p.id = t.plan_id
     JOIN admin_unit su ON su.id = p.scope_unit_id
     WHERE a.status IN (?) AND a.due_date IS NOT NULL AND a.due_date <= ?
       AND (a.assignee_user_id = ? OR (? AND a.org_id = ?)
            OR (a.due_date < ? AND ((? AND a.assigner_org_id = ?)
                                    OR (? AND LEFT(su.path, CHAR_LENGTH(?)) = ?))))
     ORDER BY a.due_date, a.id
     LIMIT ${MAX_ROWS}`,
    [
      r.userId,
      r.acting,
      r.orgId,
      REMINDABLE_STATUSES,
      horizon,
      r.userId,
      r.acting,
      r.orgId,
      today,
      r.acting,
      r.orgId,
      r.coordinator,
      r.unitPath,
      r.unitPath,
    ],
  );
  const ladders = await loadLadders(
    m,
    rows.map((x) => Number(x.plan_id)),
  );
  const out: DigestSections = { dueSoon: [], dueToday: [], overdue: [] };
  for (const row of rows) {
    const ladder = ladders.get(Number(row.plan_id))!;
    const due = String(row.due_date);
    const item: DigestItem = {
      assignmentId: Number(row.id),
      taskCode: String(row.code),
      taskTitle: String(row.title),
      orgName: String(row.org_name),
      dueDate: due,
      workingDays: 0,
    };
    const mine = Number(row.mine) === 1;
    if (due < today) {
      item.workingDays = workingDaysBetween(due, today, calendar);
      const escalated =
        ladder.escalateAfterWorkingDays > 0 && item.workingDays >= ladder.escalateAfterWorkingDays;
      if (mine || escalated) out.overdue.push(item);
    } else if (due === today) {
      if (mine) out.dueToday.push(item);
    } else if (mine) {
      item.workingDays = workingDaysBetween(today, due, calendar);
      if (item.workingDays <= Math.max(0, ...ladder.daysBefore)) out.dueSoon.push(item);
    }
  }
  return out;
}
