import type { EntityManager } from "typeorm";
import { recordAudit } from "../audit/audit";
import { recordTaskEvent } from "../notifications/webhook-events";
import type { WebhookEvent } from "../notifications/webhook-input";
import type { UnitOfWork } from "../db/transaction";
import { updateIfVersion } from "../db/versioned-update";
import type { Context } from "../shared/context";
import { requireViewer } from "../shared/context";
import { Task } from "../tasks/task.entity";
import { TaskStatus } from "../tasks/task.enums";
import { visibleTasks } from "../tasks/task.queries";
import { Assignment, AssignmentEvent, AssignmentRole } from "./assignment.entity";
import { AssignmentStatus, TASK_STATUS_OF } from "./assignment.states";
import { parentProgress } from "./progress";
import type { AssignmentFacts } from "./workflow.policy";

export interface LoadedAssignment {
  assignment: Assignment;
  facts: AssignmentFacts;
  taskPath: string;
  /** Path of the assignee organization's unit: the scope its audit entries belong to. */
  orgUnitPath: string;
}

/** An assignment the viewer can see, with what the policies need; null when missing or out of scope. */
export async function loadAssignmentForWrite(
  ctx: Context,
  id: number,
  manager?: EntityManager,
): Promise<LoadedAssignment | null> {
  const tasks = visibleTasks(ctx).select("t.id");
  const qb = (manager ?? ctx.ds.manager)
    .getRepository(Assignment)
    .createQueryBuilder("a")
    .innerJoin(Task, "at", "at.id = a.task_id")
    .innerJoin("plan", "ap", "ap.id = at.plan_id")
    .innerJoin("admin_unit", "au", "au.id = ap.scope_unit_id")
    .addSelect("au.path", "plan_scope_path")
    .addSelect("at.path", "task_path")
    .innerJoin("organization", "ao", "ao.id = a.org_id")
    .innerJoin("admin_unit", "aou", "aou.id = ao.unit_id")
    .addSelect("aou.path", "org_unit_path")
    .where("a.id = :id", { id })
    .andWhere(`a.task_id IN (${tasks.getQuery()})`)
    .setParameters(tasks.getParameters());
  const { entities, raw } = await qb.getRawAndEntities<{
    plan_scope_path: string;
    task_path: string;
    org_unit_path: string;
  }>();
  const assignment = entities[0];
  if (!assignment) return null;
  return {
    assignment,
    taskPath: raw[0].task_path,
    orgUnitPath: raw[0].org_unit_path,
    facts: {
      orgId: assignment.orgId,
      assigneeUserId: assignment.assigneeUserId,
      assignerOrgId: assignment.assignerOrgId,
      planScopePath: raw[0].plan_scope_path,
    },
  };
}

export async function currentVersion(manager: EntityManager, id: number): Promise<number> {
  const [row] = await manager.query("SELECT version FROM assignment WHERE id = ?", [id]);
  return Number(row?.version ?? 0);
}

export interface StatusChange {
  to: AssignmentStatus;
  action: string;
  comment: string | null;
  pausedFrom?: AssignmentStatus | null;
  completedOn?: string | null;
  progress?: string;
}

/**
 * Writes a status change if the assignment is still at `version` (UPDATE … WHERE version = ?):
 * returns the new row, or null when someone else changed it first. Records the event, moves the
 * task's status when this is its lead, rolls progress up the task tree and audits — all in the
 * caller's transaction.
 */
export async function writeStatusChange(
  ctx: Context,
  manager: EntityManager,
  a: Assignment,
  version: number,
  change: StatusChange,
  scopePath: string,
): Promise<Assignment | null> {
  const viewer = requireViewer(ctx);
  const progress = change.progress ?? (change.to === AssignmentStatus.APPROVED ? "100.00" : a.progress);
  const completedOn = change.completedOn !== undefined ? change.completedOn : a.completedOn;
  const pausedFrom = change.pausedFrom !== undefined ? change.pausedFrom : a.pausedFrom;
  const res = await updateIfVersion(manager, Assignment, a.id, version, {
    status: change.to,
    progress,
    completedOn,
    pausedFrom,
  });
  if (!res.ok) return null;
  await manager.getRepository(AssignmentEvent).insert({
    assignmentId: a.id,
    action: change.action,
    fromStatus: a.status,
    toStatus: change.to,
    actorUserId: viewer.userId,
    comment: change.comment,
  });
  if (a.role === AssignmentRole.LEAD) {
    await manager
      .createQueryBuilder()
      .update(Task)
      .set({ status: TASK_STATUS_OF[change.to], progress, version: () => "version + 1" })
      .where("id = :id", { id: a.taskId })
      .execute();
    if (progress !== a.progress || change.to === AssignmentStatus.CANCELLED)
      await rollUpProgress(manager, a.taskId);
  }
  const after = await manager.getRepository(Assignment).findOneByOrFail({ id: a.id });
  await recordAudit(
    manager,
    { viewer, requestId: ctx.requestId, ip: ctx.ip },
    {
      action: `assignment.${change.action}`,
      objectType: "Assignment",
      objectId: a.id,
      scopePath,
      before: a,
      after,
    },
  );
  return after;
}

/** Recomputes the progress of every ancestor of `taskId` from its children (depth-bounded walk). */
export async function rollUpProgress(manager: EntityManager, taskId: number): Promise<void> {
  let [row] = await manager.query("SELECT parent_id FROM task WHERE id = ?", [taskId]);
  for (let guard = 0; row && row.parent_id !== null && guard < 20; guard++) {
    const parentId = Number(row.parent_id);
    const children: Array<{ id: number; quota: string | null; progress: string; status: TaskStatus }> =
      await manager.query("SELECT id, quota, progress, status FROM task WHERE parent_id = ?", [parentId]);
    const computed = parentProgress(children);
    if (computed) {
      const percent = computed.percent.toFixed(2);
      await manager.query("UPDATE task SET progress = ? WHERE id = ?", [percent, parentId]);
      await manager.query("UPDATE assignment SET progress = ? WHERE task_id = ? AND role = 'lead'", [
        percent,
        parentId,
      ]);
    }
    [row] = await manager.query("SELECT parent_id FROM task WHERE id = ?", [parentId]);
  }
}

/** After `uow` commits, re-derive these assignments' reminders (never fails the change itself). */
export function remindAfterCommit(ctx: Context, uow: UnitOfWork, assignmentIds: readonly number[]): void {
  const reminders = ctx.reminders;
  if (!reminders || assignmentIds.length === 0) return;
  uow.afterCommit(async () => {
    await reminders.schedule(assignmentIds).catch(() => undefined);
  });
}

/**
 * After `uow` commits, roll up the progress of the units whose organizations hold these
 * assignments (src/rollup; one SELECT, then one Redis round trip). Never fails the change: a lost
 * roll-up is caught up by the nightly rebuild.
 */
export function rollUpAfterCommit(ctx: Context, uow: UnitOfWork, assignmentIds: readonly number[]): void {
  const rollups = ctx.rollups;
  if (!rollups || assignmentIds.length === 0) return;
  uow.afterCommit(async () => {
    try {
      const rows = (await ctx.ds.query(
        `SELECT DISTINCT o.unit_id FROM assignment a JOIN organization o ON o.id = a.org_id WHERE a.id IN (${assignmentIds.map((id) => Number(id).toFixed(0)).join(",")})`,
      )) as Array<{ unit_id: number }>;
      await rollups.unitsChanged(
        rows.map((r) => Number(r.unit_id)),
        "assignment",
      );
    } catch {
      // caught up by the nightly rebuild
    }
  });
}

/** The webhook event a status change is, if any: final report in, approved, sent back. */
export function taskEventOf(to: AssignmentStatus): WebhookEvent | null {
  if (to === AssignmentStatus.REPORTED) return "reported";
  if (to === AssignmentStatus.APPROVED) return "approved";
  if (to === AssignmentStatus.REWORK) return "returned";
  return null;
}

/**
 * A task event for the organizations' webhooks: the deliveries are written in `uow`'s transaction
 * and put on the queue after it commits (bounded wait, never fails the committed change).
 */
export async function emitTaskEvent(
  ctx: Context,
  uow: UnitOfWork,
  event: WebhookEvent | null,
  assignmentIds: readonly number[],
): Promise<void> {
  if (!event) return;
  const deliveryIds = await recordTaskEvent(uow.manager, { event, assignmentIds });
  const enqueue = ctx.webhooks;
  if (!enqueue || deliveryIds.length === 0) return;
  uow.afterCommit(async () => {
    await enqueue(deliveryIds).catch(() => undefined);
  });
}
