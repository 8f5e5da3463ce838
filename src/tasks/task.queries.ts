import type { SelectQueryBuilder } from "typeorm";
import type { Context } from "../shared/context";
import { localDate } from "../shared/clock";
import { checkDateOrder, checkDateRange } from "../shared/dates";
import { decodeId } from "../shared/ids";
import type { SortSpec } from "../shared/pagination";
import type { Viewer } from "../shared/viewer";
import { Task } from "./task.entity";
import { taskScopeOf } from "./task.policy";
import { CLOSED_STATUSES, TaskSort } from "./task.enums";
import { OrganizationRole, type TaskFilter } from "./task.inputs";

/** Tasks without a due date sort after every dated task, whichever the direction. */
const NO_DUE_ASC = "9999-12-31";
const NO_DUE_DESC = "1000-01-01";

export const TASK_SORTS: Record<TaskSort, SortSpec<Task>> = {
  [TaskSort.DUE_DATE_ASC]: {
    name: "due_asc",
    direction: "ASC",
    keys: [
      { sql: `COALESCE(t.due_date, '${NO_DUE_ASC}')`, value: (t) => t.dueDate ?? NO_DUE_ASC },
      { sql: "t.id", value: (t) => t.id },
    ],
  },
  [TaskSort.DUE_DATE_DESC]: {
    name: "due_desc",
    direction: "DESC",
    keys: [
      { sql: `COALESCE(t.due_date, '${NO_DUE_DESC}')`, value: (t) => t.dueDate ?? NO_DUE_DESC },
      { sql: "t.id", value: (t) => t.id },
    ],
  },
  [TaskSort.CODE_ASC]: {
    name: "code_asc",
    direction: "ASC",
    keys: [
      { sql: "t.code", value: (t) => t.code },
      { sql: "t.id", value: (t) => t.id },
    ],
  },
};

/** Today's calendar date where the plan runs. */
export function today(ctx: Context): string {
  return localDate(ctx.clock.now(), ctx.timeZone);
}

/** Past due and still running. */
export function isOverdue(task: Task, todayDate: string): boolean {
  return task.dueDate !== null && task.dueDate < todayDate && !CLOSED_STATUSES.includes(task.status);
}

/**
 * Tasks that touch a subtree: a unit they concern, their lead's unit or a cooperator's unit lies
 * under `prefixSql` (an SQL expression giving "path%").
 *
 * Written as uncorrelated IN subqueries rather than correlated EXISTS: MariaDB materializes each
 * one once per statement (the units under the prefix come from ix_admin_unit_path) and probes it
 * per task, instead of re-running three joins for every task row — the difference between a
 * province-wide list (and its totalCount) in milliseconds and in seconds (issue #7).
 */
function touchesSubtree(prefixSql: string): string {
  return `(t.id IN (SELECT tu.task_id FROM task_unit tu JOIN admin_unit cu ON cu.id = tu.unit_id
                     WHERE cu.path LIKE ${prefixSql})
       OR t.lead_org_id IN (SELECT lo.id FROM organization lo JOIN admin_unit lu ON lu.id = lo.unit_id
                             WHERE lu.path LIKE ${prefixSql})
       OR t.id IN (SELECT tc.task_id FROM task_cooperator tc JOIN organization co ON co.id = tc.org_id
                     JOIN admin_unit ku ON ku.id = co.unit_id
                     WHERE ku.path LIKE ${prefixSql}))`;
}

/**
 * True when every administrative unit lies under `prefixSql` (a province-wide viewer whose
 * province is the whole tree). Uncorrelated, so MariaDB evaluates it once per statement.
 */
function coversAllUnits(prefixSql: string): string {
  return `NOT EXISTS (SELECT 1 FROM admin_unit xu WHERE xu.path NOT LIKE ${prefixSql})`;
}

/**
 * Tasks that touch any unit at all: every organization has a unit (organization.unit_id is NOT
 * NULL, foreign keys on lead_org_id and task_cooperator.org_id), so this equals
 * touchesSubtree(prefix) whenever coversAllUnits(prefix) — without joining admin_unit or
 * organization: three primary-key probes per task instead of path checks.
 */
function touchesAnyUnit(): string {
  return `(t.lead_org_id IS NOT NULL
       OR EXISTS (SELECT 1 FROM task_unit tu0 WHERE tu0.task_id = t.id)
       OR EXISTS (SELECT 1 FROM task_cooperator tc0 WHERE tc0.task_id = t.id))`;
}

/** Restricts `qb` (alias `t`) to what the viewer may read: the SQL twin of `canReadTask`. */
export function applyTaskScope(
  qb: SelectQueryBuilder<Task>,
  viewer: Viewer | null,
): SelectQueryBuilder<Task> {
  if (!viewer) return qb.andWhere("1 = 0");
  const scope = taskScopeOf(viewer);
  switch (scope.kind) {
    case "all":
      return qb;
    case "subtree":
      return qb.andWhere(
        `((${coversAllUnits(":scopePrefix")} AND ${touchesAnyUnit()})
          OR (NOT ${coversAllUnits(":scopePrefix")} AND ${touchesSubtree(":scopePrefix")}))`,
        { scopePrefix: `${scope.path}%` },
      );
    case "involvement":
      return qb.andWhere(
        `EXISTS (SELECT 1 FROM task a
                  WHERE (a.lead_org_id = :scopeOrg
                         OR a.id IN (SELECT ac.task_id FROM task_cooperator ac WHERE ac.org_id = :scopeOrg))
                    AND t.path LIKE CONCAT(a.path, '%'))`,
        { scopeOrg: scope.orgId },
      );
    case "none":
      return qb.andWhere("1 = 0");
  }
}

/** The viewer's tasks (alias `t`), no filter, order or limit yet. */
export function visibleTasks(ctx: Context): SelectQueryBuilder<Task> {
  return applyTaskScope(ctx.ds.getRepository(Task).createQueryBuilder("t"), ctx.viewer);
}

/** The filtered task list within the viewer's scope (alias `t`), no order or limit yet. */
export function taskListQuery(ctx: Context, filter: TaskFilter | null | undefined): SelectQueryBuilder<Task> {
  const qb = visibleTasks(ctx);
  if (!filter) return qb;

  if (filter.planId)
    qb.andWhere("t.plan_id = :planId", { planId: decodeId("Plan", filter.planId, "planId") });
  if (filter.code) qb.andWhere("t.code = :code", { code: filter.code });
  if (filter.groupId)
    qb.andWhere("t.group_id = :groupId", { groupId: decodeId("TaskGroup", filter.groupId, "groupId") });
  if (filter.parentId)
    qb.andWhere("t.parent_id = :parentId", { parentId: decodeId("Task", filter.parentId, "parentId") });
  if (filter.rootOnly === true) qb.andWhere("t.parent_id IS NULL");
  if (filter.rootOnly === false) qb.andWhere("t.parent_id IS NOT NULL");

  if (filter.organizationId) {
    const orgId = decodeId("Organization", filter.organizationId, "organizationId");
    const lead = "t.lead_org_id = :orgId";
    const coop = "EXISTS (SELECT 1 FROM task_cooperator tc WHERE tc.task_id = t.id AND tc.org_id = :orgId)";
    const role = filter.organizationRole ?? OrganizationRole.ANY;
    const where =
      role === OrganizationRole.LEAD
        ? lead
        : role === OrganizationRole.COOPERATING
          ? coop
          : `(${lead} OR ${coop})`;
    qb.andWhere(where, { orgId });
  }

  if (filter.unitId) {
    const unitId = decodeId("Unit", filter.unitId, "unitId");
    qb.andWhere(touchesSubtree("CONCAT((SELECT w.path FROM admin_unit w WHERE w.id = :unitId), '%')"), {
      unitId,
    });
  }

  if (filter.statuses && filter.statuses.length > 0)
    qb.andWhere("t.status IN (:...statuses)", { statuses: filter.statuses });

  const dueFrom = checkDateRange(filter.dueFrom, "dueFrom");
  const dueTo = checkDateRange(filter.dueTo, "dueTo");
  checkDateOrder(dueFrom, dueTo, "dueFrom", "dueTo");
  if (dueFrom) qb.andWhere("t.due_date >= :dueFrom", { dueFrom });
  if (dueTo) qb.andWhere("t.due_date <= :dueTo", { dueTo });

  if (filter.overdue === true || filter.overdue === false) {
    const overdue = "(t.due_date IS NOT NULL AND t.due_date < :today AND t.status NOT IN (:...closed))";
    qb.andWhere(filter.overdue ? overdue : `NOT ${overdue}`, {
      today: today(ctx),
      closed: [...CLOSED_STATUSES],
    });
  }
  return qb;
}
