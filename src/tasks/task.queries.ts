import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { Context } from "../shared/context";
import { localDate } from "../shared/clock";
import { checkDateOrder, checkDateRange } from "../shared/dates";
import { decodeId } from "../shared/ids";
import type { SortSpec } from "../shared/pagination";
import type { Viewer } from "../shared/viewer";
import { Task } from "./task.entity";
import { TaskVisibility, VisibilityKind } from "./task-visibility.entity";
import { taskScopeOf } from "./task.policy";
import { CLOSED_STATUSES, TaskSort } from "./task.enums";
import { OrganizationRole, type TaskFilter } from "./task.inputs";

/** Tasks without a due date sort after every dated task, whichever the direction. */
const NO_DUE_ASC = "9999-12-31";
const NO_DUE_DESC = "1000-01-01";

/**
 * The task list's orders. The due-date keys are read from the viewer's visibility rows (alias
 * `v`, see taskListQuery), which carry COALESCE(due_date, …) beside the task id, so the order and
 * the keyset condition are an index range (ix_task_visibility_due_asc / _due_desc) read in order.
 */
export const TASK_SORTS: Record<TaskSort, SortSpec<Task>> = {
  [TaskSort.DUE_DATE_ASC]: {
    name: "due_asc",
    direction: "ASC",
    keys: [
      { sql: "v.due_asc", value: (t) => t.dueDate ?? NO_DUE_ASC },
      { sql: "v.task_id", value: (t) => t.id },
    ],
  },
  [TaskSort.DUE_DATE_DESC]: {
    name: "due_desc",
    direction: "DESC",
    keys: [
      { sql: "v.due_desc", value: (t) => t.dueDate ?? NO_DUE_DESC },
      { sql: "v.task_id", value: (t) => t.id },
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
 * The viewer's rows of task_visibility (src/tasks/task-visibility.entity.ts, kept by the
 * database): the SQL twin of `canReadTask`. A subtree is keyed by the viewer's unit (whose path
 * is the viewer's unitPath), involvement by the viewer's organization; null when the viewer may
 * read nothing.
 */
function visibilityOf(viewer: Viewer | null): { kind: VisibilityKind; scopeId: number } | null {
  if (!viewer) return null;
  const scope = taskScopeOf(viewer);
  switch (scope.kind) {
    case "all":
      return { kind: VisibilityKind.ALL, scopeId: 0 };
    case "subtree":
      return { kind: VisibilityKind.UNIT, scopeId: viewer.unitId };
    case "involvement":
      return { kind: VisibilityKind.ORG, scopeId: scope.orgId };
    case "none":
      return null;
  }
}

/**
 * Restricts `qb` (alias `t`) to what the viewer may read: one primary-key probe of
 * task_visibility per task (nothing for a system administrator, who reads every task).
 */
export function applyTaskScope(
  qb: SelectQueryBuilder<Task>,
  viewer: Viewer | null,
): SelectQueryBuilder<Task> {
  const vis = visibilityOf(viewer);
  if (!vis) return qb.andWhere("1 = 0");
  if (vis.kind === VisibilityKind.ALL) return qb;
  return qb.andWhere(
    `EXISTS (SELECT 1 FROM task_visibility sv
              WHERE sv.kind = :scopeKind AND sv.scope_id = :scopeId AND sv.task_id = t.id)`,
    { scopeKind: vis.kind, scopeId: vis.scopeId },
  );
}

/** The viewer's tasks (alias `t`), no filter, order or limit yet. */
export function visibleTasks(ctx: Context): SelectQueryBuilder<Task> {
  return applyTaskScope(ctx.ds.getRepository(Task).createQueryBuilder("t"), ctx.viewer);
}

/** One condition of the task list, with its parameters. */
type Condition = [sql: string, params?: Record<string, unknown>];

/**
 * The task list's conditions on the visibility row `v` alone (cheap to count: an index range)
 * and on the task row `t`.
 */
function listConditions(
  ctx: Context,
  filter: TaskFilter | null | undefined,
): { onV: Condition[]; onT: Condition[] } {
  const onV: Condition[] = [];
  const onT: Condition[] = [];
  if (!filter) return { onV, onT };

  if (filter.planId) onT.push(["t.plan_id = :planId", { planId: decodeId("Plan", filter.planId, "planId") }]);
  if (filter.code) onT.push(["t.code = :code", { code: filter.code }]);
  if (filter.groupId)
    onT.push(["t.group_id = :groupId", { groupId: decodeId("TaskGroup", filter.groupId, "groupId") }]);
  if (filter.parentId)
    onT.push(["t.parent_id = :parentId", { parentId: decodeId("Task", filter.parentId, "parentId") }]);
  if (filter.rootOnly === true) onT.push(["t.parent_id IS NULL"]);
  if (filter.rootOnly === false) onT.push(["t.parent_id IS NOT NULL"]);

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
    onT.push([where, { orgId }]);
  }

  // Touches the unit's subtree: the unit's own visibility rows, probed by primary key.
  if (filter.unitId)
    onV.push([
      `EXISTS (SELECT 1 FROM task_visibility fu
                WHERE fu.kind = '${VisibilityKind.UNIT}' AND fu.scope_id = :unitId AND fu.task_id = v.task_id)`,
      { unitId: decodeId("Unit", filter.unitId, "unitId") },
    ]);

  if (filter.statuses && filter.statuses.length > 0)
    onT.push(["t.status IN (:...statuses)", { statuses: filter.statuses }]);

  const dueFrom = checkDateRange(filter.dueFrom, "dueFrom");
  const dueTo = checkDateRange(filter.dueTo, "dueTo");
  checkDateOrder(dueFrom, dueTo, "dueFrom", "dueTo");
  if (dueFrom) onT.push(["t.due_date >= :dueFrom", { dueFrom }]);
  if (dueTo) onT.push(["t.due_date <= :dueTo", { dueTo }]);

  // Overdue = dated, before today, still running. due_asc is the due date of a dated task and
  // '9999-12-31' of an undated one, so `due_asc < today` is "dated and before today".
  if (filter.overdue === true || filter.overdue === false) {
    const overdue = "(v.running = 1 AND v.due_asc < :today)";
    onV.push([filter.overdue ? overdue : `NOT ${overdue}`, { today: today(ctx) }]);
  }
  return { onV, onT };
}

/**
 * The filtered task list within the viewer's scope: `page` joins each task (alias `t`) to its
 * visibility row for the viewer (alias `v`, which TASK_SORTS order by); `count` gives the same
 * rows for totalCount, from task_visibility alone when no filter needs the task row (an index
 * range count instead of a join per task). No order or limit yet.
 */
export function taskListQuery(
  ctx: Context,
  filter: TaskFilter | null | undefined,
): { page: SelectQueryBuilder<Task>; count: SelectQueryBuilder<ObjectLiteral> } {
  const vis = visibilityOf(ctx.viewer);
  const { onV, onT } = listConditions(ctx, filter);
  const scope = { visKind: vis?.kind ?? VisibilityKind.ALL, visScope: vis?.scopeId ?? 0 };
  // Unless a filter names a task or an organization (whose own index finds few rows), the page is
  // read in order from the viewer's visibility rows and each task fetched by primary key.
  // `v.task_id + 0` leaves MariaDB no index to reach v from t, so it cannot choose the other
  // order; it did for a province-wide viewer once ANALYZE TABLE had run (a scan of every task,
  // then a sort of all of them, 0.8 s a page on 30,000 tasks).
  const narrow = Boolean(filter?.code || filter?.parentId || filter?.organizationId);
  const join = narrow ? "v.task_id = t.id" : "t.id = v.task_id + 0";
  const page = ctx.ds
    .getRepository(Task)
    .createQueryBuilder("t")
    .innerJoin(TaskVisibility, "v", `${join} AND v.kind = :visKind AND v.scope_id = :visScope`, scope);
  if (!vis) page.andWhere("1 = 0");
  for (const [sql, params] of [...onV, ...onT]) page.andWhere(sql, params);
  if (onT.length > 0) return { page, count: page.clone() };

  const count = ctx.ds
    .getRepository(TaskVisibility)
    .createQueryBuilder("v")
    .where("v.kind = :visKind AND v.scope_id = :visScope", scope);
  if (!vis) count.andWhere("1 = 0");
  for (const [sql, params] of onV) count.andWhere(sql, params);
  return { page, count };
}
