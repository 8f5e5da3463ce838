import { type EntityManager, In } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { type UnitOfWork, withTransaction } from "../../db/transaction";
import { updateIfVersion } from "../../db/versioned-update";
import { Organization } from "../../organizations/organization.entity";
import { localDate } from "../../shared/clock";
import { type Context, requireViewer } from "../../shared/context";
import { checkDateRange } from "../../shared/dates";
import { parseGlobalId, type NodeType } from "../../shared/ids";
import { conflictError, type UserError, userError } from "../../shared/user-errors";
import { User } from "../../auth/user.entity";
import { Task } from "../../tasks/task.entity";
import { TaskStatus } from "../../tasks/task.enums";
import { canAssignTask, canAssignTo } from "../../tasks/task.policy";
import { visibleTasks } from "../../tasks/task.queries";
import { Unit } from "../../units/unit.entity";
import { Assignment } from "../assignment.entity";
import { AssignmentStatus } from "../assignment.states";
import { emitTaskEvent, remindAfterCommit, rollUpAfterCommit } from "../assignment.store";
import { insertTaskWithAssignments } from "../task-writer";
import type { DelegatePayload, DelegateTaskInput } from "../workflow.types";

const MAX_SUBTASKS = 200;
const DELEGABLE: readonly AssignmentStatus[] = [
  AssignmentStatus.ACCEPTED,
  AssignmentStatus.IN_PROGRESS,
  AssignmentStatus.REWORK,
];

function idOf(type: NodeType, gid: string): number | null {
  const p = parseGlobalId(gid);
  return p && p.type === type ? p.id : null;
}

/** Exact decimal arithmetic on quota strings (2 decimals), without floats. */
function cents(v: string | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  const [i, f = ""] = v.split(".");
  const sign = i.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(i.replace("-", "")) * 100n + BigInt((f + "00").slice(0, 2)));
}
const show = (c: bigint) => (Number(c) / 100).toString();

/**
 * Delegates a task down the hierarchy: one sub-task per lead organization, each with its lead and
 * cooperating assignments, quotas checked against the parent's, all in one transaction guarded by
 * the parent's version. Refusals are userErrors and write nothing.
 */
export async function delegateTask(
  ctx: Context,
  input: DelegateTaskInput,
  outer?: UnitOfWork,
): Promise<DelegatePayload> {
  const viewer = requireViewer(ctx);
  const fail = (errors: UserError[]): DelegatePayload => ({ tasks: [], userErrors: errors });
  const taskId = idOf("Task", input.taskId);
  if (taskId === null)
    return fail([userError("BAD_USER_INPUT", "taskId is not a valid Task ID", ["input", "taskId"])]);
  if (input.subtasks.length === 0 || input.subtasks.length > MAX_SUBTASKS) {
    return fail([userError("BAD_USER_INPUT", `Give 1 to ${MAX_SUBTASKS} sub-tasks`, ["input", "subtasks"])]);
  }
  const parent = await visibleTasks(ctx).andWhere("t.id = :taskId", { taskId }).getOne();
  if (!parent) return fail([userError("NOT_FOUND", "Task not found", ["input", "taskId"])]);

  const [scopeRow] = await ctx.ds.query(
    "SELECT un.path FROM plan p JOIN admin_unit un ON un.id = p.scope_unit_id WHERE p.id = ?",
    [parent.planId],
  );
  const [leadRow] = await ctx.ds.query(
    "SELECT un.level FROM organization o JOIN admin_unit un ON un.id = o.unit_id WHERE o.id = ?",
    [parent.leadOrgId ?? 0],
  );
  const parentLeadOf =
    parent.parentId === null
      ? null
      : ((await ctx.ds.getRepository(Task).findOneBy({ id: parent.parentId }))?.leadOrgId ?? null);
  if (
    !canAssignTask(viewer, {
      leadOrgId: parent.leadOrgId,
      parentLeadOrgId: parentLeadOf,
      planScopePath: scopeRow.path,
      leadUnitLevel: leadRow?.level ?? null,
    })
  ) {
    return fail([
      userError("FORBIDDEN", "Only the task's lead organization or the plan's coordinators may delegate it", [
        "input",
        "taskId",
      ]),
    ]);
  }
  const lead =
    parent.leadOrgId === null
      ? null
      : await ctx.ds.getRepository(Assignment).findOneBy({ taskId: parent.id, orgId: parent.leadOrgId });
  if (lead && !DELEGABLE.includes(lead.status)) {
    return fail([
      userError("ILLEGAL_TRANSITION", `The task is ${lead.status}: accept it before delegating it`, [
        "input",
        "taskId",
      ]),
    ]);
  }

  // Resolve and check every referenced organization, user and unit, reporting each bad one.
  const errors: UserError[] = [];
  const orgIds = new Set<number>();
  const unitIds = new Set<number>();
  const today = localDate(ctx.clock.now(), ctx.timeZone);
  input.subtasks.forEach((s, i) => {
    const at = (f: string) => ["input", "subtasks", String(i), f];
    const leadId = idOf("Organization", s.leadOrganizationId);
    if (leadId === null)
      errors.push(
        userError(
          "BAD_USER_INPUT",
          "leadOrganizationId is not a valid Organization ID",
          at("leadOrganizationId"),
        ),
      );
    else orgIds.add(leadId);
    for (const c of s.cooperatingOrganizationIds ?? []) {
      const id = idOf("Organization", c);
      if (id === null)
        errors.push(
          userError(
            "BAD_USER_INPUT",
            "cooperatingOrganizationIds holds an invalid ID",
            at("cooperatingOrganizationIds"),
          ),
        );
      else orgIds.add(id);
    }
    for (const u of s.unitIds ?? []) {
      const id = idOf("Unit", u);
      if (id === null) errors.push(userError("BAD_USER_INPUT", "unitIds holds an invalid ID", at("unitIds")));
      else unitIds.add(id);
    }
    try {
      checkDateRange(s.dueDate, "dueDate");
    } catch {
      errors.push(userError("BAD_USER_INPUT", "dueDate is out of range", at("dueDate")));
    }
    if (s.dueDate && s.dueDate < today)
      errors.push(userError("BAD_USER_INPUT", `dueDate ${s.dueDate} is in the past`, at("dueDate")));
    if (s.dueDate && parent.dueDate && s.dueDate > parent.dueDate) {
      errors.push(
        userError(
          "BAD_USER_INPUT",
          `dueDate must not be after the task's own (${parent.dueDate})`,
          at("dueDate"),
        ),
      );
    }
    if (s.quota !== null && s.quota !== undefined && cents(s.quota) < 0n)
      errors.push(userError("BAD_USER_INPUT", "quota must not be negative", at("quota")));
    if (s.title !== null && s.title !== undefined && (s.title.trim() === "" || s.title.length > 500)) {
      errors.push(userError("BAD_USER_INPUT", "title must be 1 to 500 characters", at("title")));
    }
  });
  if (errors.length) return fail(errors);

  const orgRows = orgIds.size
    ? await ctx.ds
        .getRepository(Organization)
        .createQueryBuilder("o")
        .innerJoin(Unit, "ou", "ou.id = o.unit_id")
        .addSelect(["ou.path", "ou.level"])
        .where({ id: In([...orgIds]) })
        .getRawAndEntities<{
          o_id: number;
          ou_path: string;
          ou_level: "province" | "district" | "commune" | "village";
        }>()
    : { entities: [], raw: [] };
  const orgs = new Map(orgRows.entities.map((o) => [o.id, o]));
  const orgUnit = new Map(orgRows.raw.map((r) => [Number(r.o_id), { path: r.ou_path, level: r.ou_level }]));
  const units = new Map(
    (unitIds.size ? await ctx.ds.getRepository(Unit).findBy({ id: In([...unitIds]) }) : []).map((u) => [
      u.id,
      u,
    ]),
  );
  const leadsSeen = new Set<number>();
  input.subtasks.forEach((s, i) => {
    const at = (f: string) => ["input", "subtasks", String(i), f];
    const check = (id: number, field: string) => {
      const org = orgs.get(id);
      const where = orgUnit.get(id);
      if (!org || !where) return errors.push(userError("NOT_FOUND", "Organization not found", at(field)));
      if (!canAssignTo(viewer, { unitPath: where.path, unitLevel: where.level, orgId: id })) {
        errors.push(
          userError(
            "FORBIDDEN",
            `You may not assign work to ${org.name}: assignments go one level down your own branch`,
            at(field),
          ),
        );
      }
    };
    const leadId = idOf("Organization", s.leadOrganizationId) as number;
    check(leadId, "leadOrganizationId");
    if (leadsSeen.has(leadId))
      errors.push(
        userError(
          "BAD_USER_INPUT",
          "Two sub-tasks have the same lead organization",
          at("leadOrganizationId"),
        ),
      );
    leadsSeen.add(leadId);
    for (const c of s.cooperatingOrganizationIds ?? [])
      check(idOf("Organization", c) as number, "cooperatingOrganizationIds");
    for (const u of s.unitIds ?? []) {
      const unit = units.get(idOf("Unit", u) as number);
      if (!unit) errors.push(userError("NOT_FOUND", "Unit not found", at("unitIds")));
      else if (!unit.path.startsWith(viewer.unitPath))
        errors.push(userError("FORBIDDEN", `${unit.fullName} is outside your area`, at("unitIds")));
    }
  });
  const namedIds = input.subtasks.map((s) => (s.assigneeUserId ? idOf("User", s.assigneeUserId) : null));
  const named = new Map(
    (namedIds.some((x) => x !== null)
      ? await ctx.ds.getRepository(User).findBy({ id: In(namedIds.filter((x): x is number => x !== null)) })
      : []
    ).map((u) => [u.id, u]),
  );
  input.subtasks.forEach((s, i) => {
    if (!s.assigneeUserId) return;
    const u = namedIds[i] === null ? undefined : named.get(namedIds[i] as number);
    if (!u || u.orgId !== idOf("Organization", s.leadOrganizationId)) {
      errors.push(
        userError("BAD_USER_INPUT", "assigneeUserId must be a member of the lead organization", [
          "input",
          "subtasks",
          String(i),
          "assigneeUserId",
        ]),
      );
    }
  });
  if (errors.length) return fail(errors);

  const createdAssignmentIds: number[] = [];
  const write = async (m: EntityManager): Promise<DelegatePayload> => {
    const bumped = await updateIfVersion(m, Task, parent.id, input.version);
    if (!bumped.ok) return fail([conflictError("task", bumped.current)]);
    // Quotas, read under the parent's row lock taken by the UPDATE above.
    const children: Array<{ quota: string | null; n: number }> = await m.query(
      "SELECT quota, 1 AS n FROM task WHERE parent_id = ? AND status <> ?",
      [parent.id, TaskStatus.CANCELLED],
    );
    const [{ total }] = await m.query("SELECT COUNT(*) AS total FROM task WHERE parent_id = ?", [parent.id]);
    if (parent.quota !== null) {
      const already = children.reduce((a, c) => a + cents(c.quota), 0n);
      const asked = input.subtasks.reduce((a, s) => a + cents(s.quota), 0n);
      if (already + asked > cents(parent.quota)) {
        throw new QuotaExceeded(
          `The sub-tasks' quotas add up to ${show(asked)}${already > 0n ? ` (plus ${show(already)} already delegated)` : ""}, more than the task's ${show(cents(parent.quota))}`,
        );
      }
    }
    const created: Task[] = [];
    for (const [i, s] of input.subtasks.entries()) {
      const leadId = idOf("Organization", s.leadOrganizationId) as number;
      const coop = [
        ...new Set((s.cooperatingOrganizationIds ?? []).map((c) => idOf("Organization", c) as number)),
      ].filter((c) => c !== leadId);
      const { task: child, assignmentIds } = await insertTaskWithAssignments(m, {
        planId: parent.planId,
        groupId: parent.groupId,
        parent,
        code: `${parent.code}.${Number(total) + i + 1}`,
        title: s.title?.trim() ?? parent.title,
        description: s.description ?? null,
        leadOrgId: leadId,
        leadAssigneeUserId: namedIds[i],
        cooperatingOrgIds: coop,
        unitIds: s.unitIds?.length
          ? s.unitIds.map((u) => idOf("Unit", u) as number)
          : [orgs.get(leadId)!.unitId],
        targetId: parent.targetId,
        startDate: today,
        dueDate: s.dueDate ?? parent.dueDate,
        quota: s.quota ?? null,
        quotaUnit: s.quotaUnit ?? parent.quotaUnit,
        assignerOrgId: parent.leadOrgId ?? viewer.orgId,
        actorUserId: viewer.userId,
      });
      createdAssignmentIds.push(...assignmentIds);
      await recordAudit(
        m,
        { viewer, requestId: ctx.requestId, ip: ctx.ip },
        {
          action: "task.delegate",
          objectType: "Task",
          objectId: child.id,
          scopePath: orgUnit.get(leadId)!.path,
          after: { ...child, cooperating: coop },
        },
      );
      created.push(await m.getRepository(Task).findOneByOrFail({ id: child.id }));
    }
    return { tasks: created, userErrors: [] };
  };
  // Inside a caller's transaction (a whole group at once), a refusal must roll everything back.
  const writeAndNotify = async (uow: UnitOfWork): Promise<DelegatePayload> => {
    const result = await write(uow.manager);
    if (result.userErrors.length === 0) {
      remindAfterCommit(ctx, uow, createdAssignmentIds);
      rollUpAfterCommit(ctx, uow, createdAssignmentIds);
      await emitTaskEvent(ctx, uow, "assigned", createdAssignmentIds);
    }
    return result;
  };
  if (outer) {
    const result = await writeAndNotify(outer).catch((err: unknown) => {
      if (err instanceof QuotaExceeded)
        throw new DelegationRefused(fail([userError("QUOTA_EXCEEDED", err.message, ["input", "subtasks"])]));
      throw err;
    });
    if (result.userErrors.length) throw new DelegationRefused(result);
    return result;
  }
  return withTransaction(ctx.ds, writeAndNotify).catch((err: unknown) => {
    if (err instanceof QuotaExceeded)
      return fail([userError("QUOTA_EXCEEDED", err.message, ["input", "subtasks"])]);
    throw err;
  });
}

/** A refusal inside a caller's transaction: carries the payload so the caller can answer with it. */
export class DelegationRefused extends Error {
  constructor(public readonly payload: DelegatePayload) {
    super("delegation refused");
  }
}

/** Thrown inside the transaction so it rolls back (the version bump included). */
class QuotaExceeded extends Error {}
