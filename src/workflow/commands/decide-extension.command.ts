import { In, IsNull, Not, type EntityManager } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { type UserError, userError } from "../../shared/user-errors";
import { Task } from "../../tasks/task.entity";
import { Assignment, AssignmentEvent, AssignmentRole } from "../assignment.entity";
import { FINAL_STATUSES } from "../assignment.states";
import { loadAssignmentForWrite, remindAfterCommit, rollUpAfterCommit } from "../assignment.store";
import { DeadlineExtension, DueDateChange, ExtensionStatus } from "../extension.entity";
import { actsAsAssigner } from "../workflow.policy";
import {
  ExtensionRefused,
  type ExtensionResult,
  MAX_EXTENSION_REASON,
  refused,
} from "./request-extension.command";

export enum ExtensionDecision {
  APPROVE = "approve",
  REJECT = "reject",
}

export interface DecideExtensionArgs {
  extensionId: string;
  decision: ExtensionDecision;
  /** Optional when approving, required when rejecting. */
  comment?: string | null;
}

/**
 * The assigner approves or rejects a pending extension request. Approving moves, in one
 * transaction, the assignment's deadline and — when it is the task's lead assignment — the
 * task's and those of its running cooperating assignments that had the same old deadline, with a
 * DueDateChange row and an `extend` event for each assignment moved. Rejecting records the
 * comment. Refusals are userErrors and write nothing: unknown or invisible extension
 * (NOT_FOUND), the assignee's side deciding (FORBIDDEN), a request already decided or work that
 * has ended (ILLEGAL_TRANSITION), a missing or too long comment (BAD_USER_INPUT), a deadline
 * that has meanwhile moved past the requested date (CONFLICT).
 */
export async function decideExtension(ctx: Context, input: DecideExtensionArgs): Promise<ExtensionResult> {
  const viewer = requireViewer(ctx);
  const parsed = parseGlobalId(input.extensionId);
  if (!parsed || parsed.type !== "DeadlineExtension")
    return refused(
      userError("BAD_USER_INPUT", "extensionId is not a valid DeadlineExtension ID", [
        "input",
        "extensionId",
      ]),
    );
  const notFound = refused(userError("NOT_FOUND", "Extension request not found", ["input", "extensionId"]));
  const ext = await ctx.ds.getRepository(DeadlineExtension).findOneBy({ id: parsed.id });
  if (!ext) return notFound;
  // Visible exactly when its assignment is (the same answer as for a missing one otherwise).
  const loaded = await loadAssignmentForWrite(ctx, ext.assignmentId);
  if (!loaded) return notFound;

  if (ext.status !== ExtensionStatus.PENDING)
    return refused(
      userError("ILLEGAL_TRANSITION", `The extension request is already ${ext.status}`, [
        "input",
        "extensionId",
      ]),
    );
  if (!actsAsAssigner(viewer, loaded.facts))
    return refused(
      userError(
        "FORBIDDEN",
        "Only the assigning organization or the plan's coordinators may decide an extension",
        ["input", "decision"],
      ),
    );
  const comment = input.comment?.trim() || null;
  if (input.decision === ExtensionDecision.REJECT && !comment)
    return refused(userError("BAD_USER_INPUT", "A comment is required to reject", ["input", "comment"]));
  if (comment && comment.length > MAX_EXTENSION_REASON)
    return refused(
      userError("BAD_USER_INPUT", `comment must be at most ${MAX_EXTENSION_REASON} characters`, [
        "input",
        "comment",
      ]),
    );

  const approve = input.decision === ExtensionDecision.APPROVE;
  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    const decided = await m
      .createQueryBuilder()
      .update(DeadlineExtension)
      .set({
        status: approve ? ExtensionStatus.APPROVED : ExtensionStatus.REJECTED,
        decisionComment: comment,
        decidedByUserId: viewer.userId,
        decidedAt: ctx.clock.now(),
      })
      .where("id = :id AND status = :pending", { id: ext.id, pending: ExtensionStatus.PENDING })
      .execute();
    if (decided.affected !== 1)
      return refused(
        userError("ILLEGAL_TRANSITION", "The extension request was decided by someone else meanwhile", [
          "input",
          "extensionId",
        ]),
      );

    const changes = approve ? await moveDeadlines(ctx, m, ext) : [];
    if (!approve) {
      const a = loaded.assignment;
      await m.getRepository(AssignmentEvent).insert({
        assignmentId: a.id,
        action: "reject_extension",
        fromStatus: a.status,
        toStatus: a.status,
        actorUserId: viewer.userId,
        comment,
      });
    }
    const extension = await m.getRepository(DeadlineExtension).findOneByOrFail({ id: ext.id });
    await recordAudit(
      m,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: approve ? "extension.approve" : "extension.reject",
        objectType: "DeadlineExtension",
        objectId: ext.id,
        scopePath: loaded.orgUnitPath,
        before: ext,
        after: { ...extension, dueDateChanges: changes },
      },
    );
    const assignment = await m.getRepository(Assignment).findOneByOrFail({ id: ext.assignmentId });
    remindAfterCommit(
      ctx,
      uow,
      changes.map((c) => c.assignmentId),
    );
    rollUpAfterCommit(
      ctx,
      uow,
      changes.map((c) => c.assignmentId),
    );
    return { extension, assignment, userErrors: [] };
  }).catch((err: unknown) => {
    if (err instanceof ExtensionRefused) return refused(...err.userErrors);
    throw err;
  });
}

interface Moved {
  assignmentId: number;
  oldDueDate: string | null;
  newDueDate: string;
}

/**
 * Moves the requesting assignment's deadline to the requested date; for a lead assignment also
 * the task's and the same-dated running cooperating assignments'. Rows are locked first.
 */
async function moveDeadlines(ctx: Context, m: EntityManager, ext: DeadlineExtension): Promise<Moved[]> {
  const viewer = requireViewer(ctx);
  const a = await m
    .getRepository(Assignment)
    .createQueryBuilder("a")
    .setLock("pessimistic_write")
    .where("a.id = :id", { id: ext.assignmentId })
    .getOneOrFail();
  const fail = (e: UserError) => new ExtensionRefused([e]);
  if (FINAL_STATUSES.includes(a.status))
    throw fail(
      userError("ILLEGAL_TRANSITION", `The assignment is ${a.status}: its deadline can no longer move`, [
        "input",
        "extensionId",
      ]),
    );
  const newDueDate = ext.requestedDueDate;
  if (a.dueDate !== null && a.dueDate >= newDueDate)
    throw fail(
      userError(
        "CONFLICT",
        `The deadline has moved to ${a.dueDate} since the request; the requested ${newDueDate} would not extend it`,
        ["input", "extensionId"],
      ),
    );

  const targets: Assignment[] = [a];
  if (a.role === AssignmentRole.LEAD) {
    await m
      .createQueryBuilder()
      .update(Task)
      .set({ dueDate: newDueDate, version: () => "version + 1" })
      .where("id = :id", { id: a.taskId })
      .execute();
    const cooperating = await m.getRepository(Assignment).find({
      where: {
        taskId: a.taskId,
        role: AssignmentRole.COOPERATING,
        dueDate: a.dueDate === null ? IsNull() : a.dueDate,
        status: Not(In([...FINAL_STATUSES])),
      },
      order: { id: "ASC" },
      lock: { mode: "pessimistic_write" },
    });
    targets.push(...cooperating);
  }

  const moved: Moved[] = [];
  for (const t of targets) {
    await m
      .createQueryBuilder()
      .update(Assignment)
      .set({ dueDate: newDueDate, version: () => "version + 1" })
      .where("id = :id", { id: t.id })
      .execute();
    await m.getRepository(DueDateChange).insert({
      assignmentId: t.id,
      oldDueDate: t.dueDate,
      newDueDate,
      extensionId: ext.id,
      reason: ext.reason,
      changedByUserId: viewer.userId,
    });
    await m.getRepository(AssignmentEvent).insert({
      assignmentId: t.id,
      action: "extend",
      fromStatus: t.status,
      toStatus: t.status,
      actorUserId: viewer.userId,
      comment: `${t.dueDate ?? "—"} → ${newDueDate}`,
    });
    moved.push({ assignmentId: t.id, oldDueDate: t.dueDate, newDueDate });
  }
  return moved;
}
