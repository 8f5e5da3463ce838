import type { EntityManager } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { type UnitOfWork, withTransaction } from "../../db/transaction";
import { coordinates } from "../../plans/plan.policy";
import { localDate } from "../../shared/clock";
import { type Context, requireViewer } from "../../shared/context";
import { DomainError, ErrorCode } from "../../shared/errors";
import { foldDiacritics } from "../../shared/text";
import type { Viewer } from "../../shared/viewer";
import { emitTaskEvent, remindAfterCommit } from "../assignment.store";
import { insertTaskWithAssignments } from "../task-writer";
import { COLUMN_OF, type ColumnKey, type ImportError, type RawTaskRow } from "../task-import.workbook";

export interface ImportedTask {
  row: number;
  /** Global ID of the new task; null in a dry run. */
  id: string | null;
  code: string;
  title: string;
}

export interface ImportTasksResult {
  dryRun: boolean;
  /** Tasks created (0 in a dry run or when any row is bad). */
  imported: number;
  /** The tasks created, or that a dry run found good, in row order. */
  tasks: ImportedTask[];
  errors: ImportError[];
}

interface PlanFacts {
  id: number;
  number: string;
  scopePath: string;
}

interface ExistingTask {
  id: number;
  code: string;
  title: string;
  parentId: number | null;
  groupId: number | null;
  path: string;
  depth: number;
  dueDate: string | null;
}

interface OrgFacts {
  id: number;
  code: string;
  active: boolean;
  unitId: number;
  unitPath: string;
}

/** A good row, resolved to ids: what insertTaskWithAssignments receives. */
interface PlannedTask {
  row: number;
  code: string;
  title: string;
  description: string | null;
  groupId: number | null;
  parent: { kind: "plan"; task: ExistingTask } | { kind: "file"; row: number } | null;
  leadOrgId: number;
  leadUnitPath: string;
  cooperatingOrgIds: number[];
  unitIds: number[];
  startDate: string | null;
  dueDate: string;
  quota: string | null;
  quotaUnit: string | null;
}

const CODE_RE = /^[\p{L}\p{N}._\-/]{1,40}$/u;
const lower = (s: string) => s.toLowerCase();
/** Official unit codes match with or without their leading zeros (Excel drops them from numbers). */
const unitKey = (s: string) => s.replace(/^0+(?=\d)/, "");
const titleKey = (s: string) => foldDiacritics(s);

async function loadPlan(m: EntityManager, planId: number, lock: boolean): Promise<PlanFacts | null> {
  const rows: Array<{ id: number; number: string; path: string }> = await m.query(
    `SELECT p.id, p.number, un.path FROM plan p JOIN admin_unit un ON un.id = p.scope_unit_id WHERE p.id = ?${lock ? " FOR UPDATE" : ""}`,
    [planId],
  );
  return rows[0] ? { id: Number(rows[0].id), number: rows[0].number, scopePath: rows[0].path } : null;
}

/** Checks every row against the plan and the reference data; returns the problems and the resolved tasks. */
async function validate(
  m: EntityManager,
  plan: PlanFacts,
  rows: readonly RawTaskRow[],
  today: string,
): Promise<{ errors: ImportError[]; planned: PlannedTask[] }> {
  const errors: ImportError[] = [];
  const fail = (row: number, key: ColumnKey, code: string, message: string) =>
    errors.push({ row, column: COLUMN_OF[key].letter, code, message });

  const groups = new Map<number, number>(
    (
      (await m.query("SELECT id, ord FROM task_group WHERE plan_id = ?", [plan.id])) as Array<{
        id: number;
        ord: number;
      }>
    ).map((g) => [Number(g.ord), Number(g.id)]),
  );
  const existing: ExistingTask[] = (
    (await m.query(
      `SELECT id, code, title, parent_id, group_id, path, depth, DATE_FORMAT(due_date, '%Y-%m-%d') AS due
         FROM task WHERE plan_id = ? AND status <> 'cancelled'`,
      [plan.id],
    )) as Array<Record<string, unknown>>
  ).map((r) => ({
    id: Number(r.id),
    code: String(r.code),
    title: String(r.title),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    groupId: r.group_id === null ? null : Number(r.group_id),
    path: String(r.path),
    depth: Number(r.depth),
    dueDate: r.due === null ? null : String(r.due),
  }));
  // Every code of the plan, cancelled tasks too: the unique index covers them.
  const takenCodes = new Set(
    ((await m.query("SELECT code FROM task WHERE plan_id = ?", [plan.id])) as Array<{ code: string }>).map(
      (r) => lower(r.code),
    ),
  );
  const byCode = new Map(existing.map((t) => [lower(t.code), t]));
  const siblingKey = (parent: string, groupId: number | null, title: string) =>
    `${parent}|${parent === "root" ? String(groupId) : ""}|${titleKey(title)}`;
  const existingTitles = new Map(
    existing.map((t) => [siblingKey(t.parentId === null ? "root" : `t${t.parentId}`, t.groupId, t.title), t]),
  );

  const orgCodes = [...new Set(rows.flatMap((r) => [...(r.lead ? [r.lead] : []), ...r.cooperating]))];
  const orgRows: Array<Record<string, unknown>> = orgCodes.length
    ? await m.query(
        `SELECT o.id, o.code, o.active, o.unit_id, un.path FROM organization o
           JOIN admin_unit un ON un.id = o.unit_id WHERE o.code IN (?)`,
        [orgCodes],
      )
    : [];
  const orgs = new Map<string, OrgFacts>(
    orgRows.map((o) => [
      lower(String(o.code)),
      {
        id: Number(o.id),
        code: String(o.code),
        active: Boolean(Number(o.active)),
        unitId: Number(o.unit_id),
        unitPath: String(o.path),
      },
    ]),
  );
  const unitCodes = [...new Set(rows.flatMap((r) => r.units.map(unitKey)))];
  const unitRows: Array<{ id: number; code: string; path: string }> = unitCodes.length
    ? await m.query(
        "SELECT id, code, path FROM admin_unit WHERE code IS NOT NULL AND TRIM(LEADING '0' FROM code) IN (?)",
        [unitCodes.map((c) => c.replace(/^0+/, ""))],
      )
    : [];
  const units = new Map<string, Array<{ id: number; path: string }>>();
  for (const u of unitRows) {
    const k = lower(unitKey(String(u.code)));
    units.set(k, [...(units.get(k) ?? []), { id: Number(u.id), path: String(u.path) }]);
  }

  const inScope = (path: string) => path.startsWith(plan.scopePath);
  const fileCodes = new Map<string, RawTaskRow>();
  const fileTitles = new Map<string, number>();
  const goodGroupOfRow = new Map<number, number | null>();
  const dueOfRow = new Map<number, string | null>();
  const planned: PlannedTask[] = [];
  const failedBefore = () => errors.length;

  for (const r of rows) {
    const start = failedBefore();
    // Required cells.
    if (r.title === null || r.title.trim() === "")
      fail(r.row, "title", "EMPTY_TITLE", "The task's title (Tên nhiệm vụ) is empty");
    if (r.lead === null) fail(r.row, "lead", "REQUIRED", "The lead organization (Đơn vị chủ trì) is missing");
    if (r.dueDate === null) fail(r.row, "dueDate", "REQUIRED", "The due date (Hạn hoàn thành) is missing");

    // Parent: a task of the plan, or a task on an earlier row of the file.
    let parent: PlannedTask["parent"] = null;
    let parentGroupId: number | null = null;
    let parentDue: string | null = null;
    if (r.parent !== null) {
      const inFile = fileCodes.get(lower(r.parent));
      const inPlan = byCode.get(lower(r.parent));
      if (inFile) {
        parent = { kind: "file", row: inFile.row };
        parentGroupId = goodGroupOfRow.get(inFile.row) ?? null;
        parentDue = dueOfRow.get(inFile.row) ?? null;
      } else if (inPlan) {
        parent = { kind: "plan", task: inPlan };
        parentGroupId = inPlan.groupId;
        parentDue = inPlan.dueDate;
      } else if (rows.some((o) => o.row > r.row && o.code !== null && lower(o.code) === lower(r.parent!))) {
        fail(
          r.row,
          "parent",
          "PARENT_AFTER_CHILD",
          `The parent task ${r.parent} must come on an earlier row`,
        );
      } else {
        fail(r.row, "parent", "UNKNOWN_PARENT", `No task ${r.parent} in the plan or on an earlier row`);
      }
    }

    // Group: required for a task of the plan; a sub-task takes its parent's.
    let groupId: number | null = parentGroupId;
    if (r.group !== null) {
      const g = groups.get(r.group);
      if (g === undefined) fail(r.row, "group", "UNKNOWN_GROUP", `The plan has no task group ${r.group}`);
      else if (parent !== null && parentGroupId !== null && g !== parentGroupId)
        fail(r.row, "group", "GROUP_MISMATCH", "A sub-task belongs to its parent's group");
      else groupId = g;
    } else if (r.parent === null) {
      fail(r.row, "group", "REQUIRED", "The task group (Nhóm nhiệm vụ) is missing");
    }

    // Number: unique in the plan and in the file.
    if (r.code !== null) {
      if (!CODE_RE.test(r.code))
        fail(r.row, "code", "BAD_CODE", "The number may hold letters, digits and . - _ / only (up to 40)");
      else if (fileCodes.has(lower(r.code)))
        fail(
          r.row,
          "code",
          "DUPLICATE_IN_FILE",
          `Number ${r.code} is already used on row ${fileCodes.get(lower(r.code))!.row}`,
        );
      else if (takenCodes.has(lower(r.code)))
        fail(r.row, "code", "ALREADY_IN_PLAN", `The plan already has a task numbered ${r.code}`);
      else fileCodes.set(lower(r.code), r);
    }

    // The same task twice: same title under the same parent (or in the same group).
    if (r.title !== null && r.title.trim() !== "") {
      const parentKey =
        parent === null ? "root" : parent.kind === "plan" ? `t${parent.task.id}` : `r${parent.row}`;
      const key = siblingKey(parentKey, groupId, r.title);
      const again = fileTitles.get(key);
      const there = existingTitles.get(key);
      if (again !== undefined)
        fail(r.row, "title", "DUPLICATE_IN_FILE", `The same task is already on row ${again}`);
      else if (there)
        fail(r.row, "title", "ALREADY_IN_PLAN", `The plan already has this task (${there.code})`);
      else fileTitles.set(key, r.row);
    }

    // Organizations: known, active, of the plan's province.
    const orgOf = (code: string, key: ColumnKey): OrgFacts | null => {
      const o = orgs.get(lower(code));
      if (!o) fail(r.row, key, "UNKNOWN_ORGANIZATION", `No organization has the code ${code}`);
      else if (!o.active)
        fail(r.row, key, "INACTIVE_ORGANIZATION", `Organization ${o.code} is no longer active`);
      else if (!inScope(o.unitPath))
        fail(
          r.row,
          key,
          "ORGANIZATION_OUT_OF_SCOPE",
          `Organization ${o.code} is outside the plan's province`,
        );
      else return o;
      return null;
    };
    const lead = r.lead === null ? null : orgOf(r.lead, "lead");
    const cooperating = r.cooperating.map((c) => orgOf(c, "cooperating"));

    // Units: known, unambiguous, in the plan's province.
    const unitIds: number[] = [];
    for (const code of r.units) {
      const found = units.get(lower(unitKey(code))) ?? [];
      const inside = found.filter((u) => inScope(u.path));
      if (found.length === 0)
        fail(r.row, "units", "UNKNOWN_UNIT", `No administrative unit has the code ${code}`);
      else if (inside.length === 0)
        fail(r.row, "units", "UNIT_OUT_OF_SCOPE", `Unit ${code} is outside the plan's province`);
      else if (inside.length > 1)
        fail(
          r.row,
          "units",
          "AMBIGUOUS_UNIT",
          `Code ${code} matches several units: write it in full, with its leading zeros`,
        );
      else unitIds.push(inside[0].id);
    }

    // Dates: due not in the past, not before the start, not after the parent's.
    if (r.dueDate !== null) {
      if (r.startDate !== null && r.dueDate < r.startDate)
        fail(r.row, "dueDate", "DUE_BEFORE_START", "The due date is before the start date");
      else if (r.dueDate < today)
        fail(r.row, "dueDate", "DATE_IN_PAST", `The due date is in the past (today is ${today})`);
      else if (parentDue !== null && r.dueDate > parentDue)
        fail(r.row, "dueDate", "DUE_AFTER_PARENT", `The due date is after the parent task's (${parentDue})`);
    }

    goodGroupOfRow.set(r.row, groupId);
    dueOfRow.set(r.row, r.dueDate);
    if (errors.length === start && lead !== null && r.title !== null && r.dueDate !== null) {
      planned.push({
        row: r.row,
        code: r.code ?? "",
        title: r.title,
        description: r.description,
        groupId,
        parent,
        leadOrgId: lead.id,
        leadUnitPath: lead.unitPath,
        cooperatingOrgIds: cooperating.filter((o): o is OrgFacts => o !== null).map((o) => o.id),
        unitIds: unitIds.length ? unitIds : [lead.unitId],
        startDate: r.startDate,
        dueDate: r.dueDate,
        quota: r.quota,
        quotaUnit: r.quotaUnit,
      });
    }
  }
  if (errors.length) return { errors, planned: [] };

  // Numbers for the rows without one: <parent>.n under a parent, <plan>-<group>.n otherwise.
  const prefix = plan.number.split("/")[0];
  const groupOrd = new Map([...groups].map(([ord, id]) => [id, ord]));
  const codeOfRow = new Map<number, string>();
  for (const p of planned) {
    if (p.code === "") {
      const base =
        p.parent === null
          ? `${prefix}-${groupOrd.get(p.groupId ?? -1) ?? 0}`
          : p.parent.kind === "plan"
            ? p.parent.task.code
            : codeOfRow.get(p.parent.row)!;
      let n = 1;
      while (takenCodes.has(lower(`${base}.${n}`)) || fileCodes.has(lower(`${base}.${n}`))) n++;
      p.code = `${base}.${n}`;
      if (p.code.length > 40) {
        fail(p.row, "code", "BAD_CODE", "The generated number is too long: give this task a number");
        continue;
      }
    }
    takenCodes.add(lower(p.code));
    codeOfRow.set(p.row, p.code);
  }
  return errors.length ? { errors, planned: [] } : { errors, planned };
}

function authorize(viewer: Viewer, plan: PlanFacts | null): PlanFacts {
  if (!plan) throw new DomainError("Plan not found", ErrorCode.NOT_FOUND);
  if (!coordinates(viewer, plan.scopePath))
    throw new DomainError("Only the plan's coordinators may import its tasks", ErrorCode.FORBIDDEN);
  return plan;
}

/**
 * Creates a plan's tasks in bulk from the rows of a task table workbook: each task with its units,
 * cooperators and assignments (insertTaskWithAssignments, as delegateTask writes them), in one
 * transaction under the plan's row lock, with an audit entry per task and one for the import.
 * Nothing is written unless every row is good; a dry run only validates. Reminders, webhook
 * events and roll-ups are scheduled after commit.
 */
export async function importTasks(
  ctx: Context,
  planId: number,
  input: { rows: readonly RawTaskRow[]; errors: readonly ImportError[] },
  opts: { dryRun: boolean },
): Promise<ImportTasksResult> {
  const viewer = requireViewer(ctx);
  const today = localDate(ctx.clock.now(), ctx.timeZone);
  // A cell the workbook reader already refused (a bad date) is not reported again as missing.
  const refused = (found: ImportError[]): ImportTasksResult => {
    const seen = new Set(input.errors.map((e) => `${e.row}:${e.column}`));
    const errors = [...input.errors, ...found.filter((e) => !seen.has(`${e.row}:${e.column}`))];
    return {
      dryRun: opts.dryRun,
      imported: 0,
      tasks: [],
      errors: errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
    };
  };

  if (opts.dryRun) {
    const plan = authorize(viewer, await loadPlan(ctx.ds.manager, planId, false));
    const { errors, planned } = await validate(ctx.ds.manager, plan, input.rows, today);
    if (errors.length || input.errors.length) return refused(errors);
    return {
      dryRun: true,
      imported: 0,
      tasks: planned.map((p) => ({ row: p.row, id: null, code: p.code, title: p.title })),
      errors: [],
    };
  }

  return withTransaction(ctx.ds, async (uow: UnitOfWork): Promise<ImportTasksResult> => {
    const m = uow.manager;
    // Under the plan's row lock, so two imports never number tasks alike.
    const plan = authorize(viewer, await loadPlan(m, planId, true));
    const { errors, planned } = await validate(m, plan, input.rows, today);
    if (errors.length || input.errors.length) return refused(errors);

    const createdOfRow = new Map<number, { id: number; path: string; depth: number }>();
    const assignmentIds: number[] = [];
    const unitIds = new Set<number>();
    const tasks: ImportedTask[] = [];
    for (const p of planned) {
      const parent =
        p.parent === null ? null : p.parent.kind === "plan" ? p.parent.task : createdOfRow.get(p.parent.row)!;
      const parentLead =
        p.parent === null
          ? null
          : p.parent.kind === "plan"
            ? ((await m.query("SELECT lead_org_id FROM task WHERE id = ?", [p.parent.task.id]))[0]
                ?.lead_org_id ?? null)
            : (planned.find((q) => q.row === (p.parent as { row: number }).row)?.leadOrgId ?? null);
      const { task, assignmentIds: ids } = await insertTaskWithAssignments(m, {
        planId: plan.id,
        groupId: p.groupId,
        parent,
        code: p.code,
        title: p.title,
        description: p.description,
        leadOrgId: p.leadOrgId,
        leadAssigneeUserId: null,
        cooperatingOrgIds: p.cooperatingOrgIds,
        unitIds: p.unitIds,
        targetId: null,
        startDate: p.startDate,
        dueDate: p.dueDate,
        quota: p.quota,
        quotaUnit: p.quotaUnit,
        assignerOrgId: parentLead === null ? viewer.orgId : Number(parentLead),
        actorUserId: viewer.userId,
      });
      createdOfRow.set(p.row, { id: task.id, path: task.path, depth: task.depth });
      assignmentIds.push(...ids);
      p.unitIds.forEach((u) => unitIds.add(u));
      await recordAudit(
        m,
        { viewer, requestId: ctx.requestId, ip: ctx.ip },
        {
          action: "task.import",
          objectType: "Task",
          objectId: task.id,
          scopePath: p.leadUnitPath,
          after: { ...task, cooperating: p.cooperatingOrgIds, units: p.unitIds, row: p.row },
        },
      );
      tasks.push({ row: p.row, id: task.globalId, code: task.code, title: task.title });
    }
    await recordAudit(
      m,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: "plan.importTasks",
        objectType: "Plan",
        objectId: plan.id,
        scopePath: plan.scopePath,
        after: { tasks: tasks.length, assignments: assignmentIds.length, codes: tasks.map((t) => t.code) },
      },
    );
    remindAfterCommit(ctx, uow, assignmentIds);
    await emitTaskEvent(ctx, uow, "assigned", assignmentIds);
    const rollups = ctx.rollups;
    if (rollups && unitIds.size) {
      uow.afterCommit(async () => {
        await rollups.unitsChanged([...unitIds], "task.import").catch(() => undefined);
      });
    }
    return { dryRun: false, imported: tasks.length, tasks, errors: [] };
  });
}
