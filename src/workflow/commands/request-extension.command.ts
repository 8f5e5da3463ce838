import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { updateIfVersion } from "../../db/versioned-update";
import { localDate } from "../../shared/clock";
import { type Context, requireViewer } from "../../shared/context";
import { MAX_DATE } from "../../shared/dates";
import { parseGlobalId } from "../../shared/ids";
import { type UserError, userError, conflictError } from "../../shared/user-errors";
import { Assignment, AssignmentEvent } from "../assignment.entity";
import { AssignmentStatus } from "../assignment.states";
import { loadAssignmentForWrite, remindAfterCommit } from "../assignment.store";
import { DeadlineExtension, ExtensionStatus } from "../extension.entity";
import { actsAsAssignee } from "../workflow.policy";

export const MAX_EXTENSION_REASON = 2000;

/** Statuses in which the assignee may ask for more time: the work is running. */
export const EXTENDABLE: readonly AssignmentStatus[] = [
  AssignmentStatus.ASSIGNED,
  AssignmentStatus.ACCEPTED,
  AssignmentStatus.IN_PROGRESS,
  AssignmentStatus.REWORK,
];

export interface RequestExtensionArgs {
  assignmentId: string;
  version: number;
  requestedDueDate: string;
  reason: string;
}

/** What both extension mutations answer (the GraphQL payload has the same shape). */
export interface ExtensionResult {
  extension: DeadlineExtension | null;
  assignment: Assignment | null;
  userErrors: UserError[];
}

/** Thrown inside the transaction so that it rolls back; carries the refusal to report. */
export class ExtensionRefused extends Error {
  constructor(readonly userErrors: UserError[]) {
    super(userErrors.map((e) => e.message).join("; "));
  }
}

export const refused = (...userErrors: UserError[]): ExtensionResult => ({
  extension: null,
  assignment: null,
  userErrors,
});

/**
 * The assignee asks the assigner to move a running assignment's deadline (xin gia hạn). Every
 * refusal is a userError and writes nothing: unknown or invisible assignment (NOT_FOUND), work
 * not running (ILLEGAL_TRANSITION), the assigner's side asking (FORBIDDEN), a date in the past
 * or not after the current deadline, or a reason of the wrong length (BAD_USER_INPUT), a stale
 * version or a request already pending (CONFLICT). On success the assignment's version moves on.
 */
export async function requestExtension(ctx: Context, input: RequestExtensionArgs): Promise<ExtensionResult> {
  const viewer = requireViewer(ctx);
  const parsed = parseGlobalId(input.assignmentId);
  if (!parsed || parsed.type !== "Assignment")
    return refused(
      userError("BAD_USER_INPUT", "assignmentId is not a valid Assignment ID", ["input", "assignmentId"]),
    );
  const loaded = await loadAssignmentForWrite(ctx, parsed.id);
  if (!loaded) return refused(userError("NOT_FOUND", "Assignment not found", ["input", "assignmentId"]));
  const { assignment: a, facts } = loaded;

  if (!EXTENDABLE.includes(a.status))
    return refused(
      userError(
        "ILLEGAL_TRANSITION",
        `Cannot ask to extend an assignment that is ${a.status}; only running work can be extended`,
        ["input", "assignmentId"],
      ),
    );
  if (!actsAsAssignee(viewer, facts))
    return refused(
      userError("FORBIDDEN", "Only the assigned organization may ask to extend its deadline", [
        "input",
        "assignmentId",
      ]),
    );

  const reason = input.reason.trim();
  const errors: UserError[] = [];
  if (reason.length === 0 || reason.length > MAX_EXTENSION_REASON)
    errors.push(
      userError("BAD_USER_INPUT", `reason must be 1 to ${MAX_EXTENSION_REASON} characters`, [
        "input",
        "reason",
      ]),
    );
  const today = localDate(ctx.clock.now(), ctx.timeZone);
  const asked = input.requestedDueDate;
  const at = ["input", "requestedDueDate"];
  if (asked < today)
    errors.push(
      userError("BAD_USER_INPUT", `Cannot extend to a past date (${asked} is before ${today})`, at),
    );
  else if (asked > MAX_DATE)
    errors.push(userError("BAD_USER_INPUT", `requestedDueDate must not be after ${MAX_DATE}`, at));
  else if (a.dueDate === null)
    errors.push(userError("BAD_USER_INPUT", "The assignment has no deadline to extend", at));
  else if (asked <= a.dueDate)
    errors.push(
      userError("BAD_USER_INPUT", `requestedDueDate must be after the current deadline (${a.dueDate})`, at),
    );
  if (errors.length) return refused(...errors);

  const stale = (version: number) => refused(conflictError("assignment", version, ["input", "version"]));
  // The checks above read version `a.version`: the write below must find that same row.
  if (input.version !== a.version) return stale(a.version);

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    // The version guard also locks the row, so two requests for one assignment run one at a time.
    const bumped = await updateIfVersion(m, Assignment, a.id, input.version);
    if (!bumped.ok) return stale(bumped.current);
    const pending = await m
      .getRepository(DeadlineExtension)
      .findOneBy({ assignmentId: a.id, status: ExtensionStatus.PENDING });
    if (pending)
      throw new ExtensionRefused([
        userError(
          "CONFLICT",
          `An extension to ${pending.requestedDueDate} is already awaiting a decision; wait for it first`,
          ["input", "assignmentId"],
        ),
      ]);
    const ins = await m.getRepository(DeadlineExtension).insert({
      assignmentId: a.id,
      currentDueDate: a.dueDate,
      requestedDueDate: asked,
      reason,
      status: ExtensionStatus.PENDING,
      requestedByUserId: viewer.userId,
    });
    const extension = await m
      .getRepository(DeadlineExtension)
      .findOneByOrFail({ id: Number(ins.identifiers[0].id) });
    await m.getRepository(AssignmentEvent).insert({
      assignmentId: a.id,
      action: "request_extension",
      fromStatus: a.status,
      toStatus: a.status,
      actorUserId: viewer.userId,
      comment: reason,
    });
    await recordAudit(
      m,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: "extension.request",
        objectType: "DeadlineExtension",
        objectId: extension.id,
        scopePath: loaded.orgUnitPath,
        after: extension,
      },
    );
    const assignment = await m.getRepository(Assignment).findOneByOrFail({ id: a.id });
    remindAfterCommit(ctx, uow, [a.id]); // the approver is reminded while the request is pending
    return { extension, assignment, userErrors: [] };
  }).catch((err: unknown) => {
    if (err instanceof ExtensionRefused) return refused(...err.userErrors);
    throw err;
  });
}
