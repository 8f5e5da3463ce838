import { localDate } from "../../shared/clock";
import type { Context } from "../../shared/context";
import { requireViewer } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { userError, conflictError } from "../../shared/user-errors";
import { withTransaction } from "../../db/transaction";
import { AssignmentAction, actionsFrom, AssignmentStatus, transitionFor } from "../assignment.states";
import {
  currentVersion,
  loadAssignmentForWrite,
  emitTaskEvent,
  remindAfterCommit,
  rollUpAfterCommit,
  taskEventOf,
  writeStatusChange,
} from "../assignment.store";
import { mayAct } from "../workflow.policy";
import type { AssignmentPayload, TransitionAssignmentInput } from "../workflow.types";

const MAX_REASON = 2000;

/**
 * Moves an assignment along one transition of the table in assignment.states.ts. Every refusal is
 * a userError and writes nothing: unknown or invisible assignment (NOT_FOUND), a transition the
 * table does not allow (ILLEGAL_TRANSITION), the wrong side (FORBIDDEN), a missing reason
 * (BAD_USER_INPUT), a stale version (CONFLICT, with the current assignment).
 */
export async function transitionAssignment(
  ctx: Context,
  input: TransitionAssignmentInput,
): Promise<AssignmentPayload> {
  const viewer = requireViewer(ctx);
  const parsed = parseGlobalId(input.assignmentId);
  if (!parsed || parsed.type !== "Assignment") {
    return {
      assignment: null,
      userErrors: [
        userError("BAD_USER_INPUT", "assignmentId is not a valid Assignment ID", ["input", "assignmentId"]),
      ],
    };
  }
  const loaded = await loadAssignmentForWrite(ctx, parsed.id);
  if (!loaded)
    return {
      assignment: null,
      userErrors: [userError("NOT_FOUND", "Assignment not found", ["input", "assignmentId"])],
    };
  const { assignment: a, facts } = loaded;

  // A stale version is a CONFLICT whatever else is wrong: the caller acted on an old picture.
  if (a.version !== input.version) {
    return {
      assignment: null,
      userErrors: [conflictError("assignment", a.version, ["input", "version"])],
    };
  }
  if (input.action === AssignmentAction.REPORT_FINAL) {
    return {
      assignment: null,
      userErrors: [
        userError("BAD_USER_INPUT", "Submit a final report with submitReport(final: true)", [
          "input",
          "action",
        ]),
      ],
    };
  }
  const t = transitionFor(input.action, a.status);
  if (!t) {
    const allowed = actionsFrom(a.status).filter((x) => x !== AssignmentAction.REPORT_FINAL);
    return {
      assignment: null,
      userErrors: [
        userError(
          "ILLEGAL_TRANSITION",
          `Cannot ${input.action} an assignment that is ${a.status}; allowed now: ${allowed.join(", ") || "nothing"}`,
          ["input", "action"],
        ),
      ],
    };
  }
  if (!mayAct(viewer, t.by, facts)) {
    const side =
      t.by === "assignee"
        ? "the assigned organization"
        : "the assigning organization or the plan's coordinators";
    return {
      assignment: null,
      userErrors: [
        userError("FORBIDDEN", `Only ${side} may ${input.action} this assignment`, ["input", "action"]),
      ],
    };
  }
  const reason = input.reason?.trim() || null;
  if (t.needsReason && !reason) {
    return {
      assignment: null,
      userErrors: [
        userError("BAD_USER_INPUT", `A reason is required to ${input.action}`, ["input", "reason"]),
      ],
    };
  }
  if (reason && reason.length > MAX_REASON) {
    return {
      assignment: null,
      userErrors: [
        userError("BAD_USER_INPUT", `reason must be at most ${MAX_REASON} characters`, ["input", "reason"]),
      ],
    };
  }

  const to = t.to === "previous" ? (a.pausedFrom ?? AssignmentStatus.ACCEPTED) : t.to;
  return withTransaction(ctx.ds, async (uow) => {
    const after = await writeStatusChange(
      ctx,
      uow.manager,
      a,
      input.version,
      {
        to,
        action: input.action,
        comment: reason,
        pausedFrom:
          input.action === AssignmentAction.PAUSE
            ? a.status
            : input.action === AssignmentAction.RESUME
              ? null
              : undefined,
        completedOn: to === AssignmentStatus.APPROVED ? localDate(ctx.clock.now(), ctx.timeZone) : undefined,
      },
      loaded.orgUnitPath,
    );
    if (!after) {
      const version = await currentVersion(uow.manager, a.id);
      return {
        assignment: null,
        userErrors: [conflictError("assignment", version, ["input", "version"])],
      };
    }
    remindAfterCommit(ctx, uow, [a.id]);
    rollUpAfterCommit(ctx, uow, [a.id]);
    await emitTaskEvent(ctx, uow, taskEventOf(after.status), [a.id]);
    return { assignment: after, userErrors: [] };
  });
}
