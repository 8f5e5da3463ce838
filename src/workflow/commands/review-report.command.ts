import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { localDate } from "../../shared/clock";
import { type Context, requireViewer } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { type UserError, userError, conflictError } from "../../shared/user-errors";
import type { Assignment } from "../assignment.entity";
import { AssignmentAction, AssignmentStatus, transitionFor } from "../assignment.states";
import {
  emitTaskEvent,
  loadAssignmentForWrite,
  remindAfterCommit,
  rollUpAfterCommit,
  taskEventOf,
  writeStatusChange,
} from "../assignment.store";
import { ProgressReport, ReportStatus } from "../report.entity";
import { ReviewDecision, type ReportPayload, type ReviewReportInput } from "../report.types";
import { actsAsAssigner } from "../workflow.policy";
import { visibleReportById } from "../workflow.loaders";

const MAX_COMMENT = 2000;

const fail = (errors: UserError[]): ReportPayload => ({ report: null, assignment: null, userErrors: errors });

const conflict = (version: number) => conflictError("report", version, ["input", "version"]);

/** Thrown inside the transaction so it rolls back (the report's review included). */
class AssignmentMoved extends Error {}

/**
 * The assigner approves or returns a submitted report. On the assignment's latest final report,
 * while the assignment awaits approval (REPORTED), APPROVE also approves the assignment (done
 * today, in the plan's time zone, at 100%) and RETURN sends it back for rework. One transaction,
 * guarded by the report's version; every refusal is a userError and writes nothing.
 */
export async function reviewReport(ctx: Context, input: ReviewReportInput): Promise<ReportPayload> {
  const viewer = requireViewer(ctx);
  const parsed = parseGlobalId(input.reportId);
  if (!parsed || parsed.type !== "ProgressReport")
    return fail([
      userError("BAD_USER_INPUT", "reportId is not a valid ProgressReport ID", ["input", "reportId"]),
    ]);
  // A loader of its own: the request's cached copy would be stale after the change.
  const report = await visibleReportById(ctx).load(parsed.id);
  const loaded = report ? await loadAssignmentForWrite(ctx, report.assignmentId) : null;
  if (!report || !loaded) return fail([userError("NOT_FOUND", "Report not found", ["input", "reportId"])]);
  if (!actsAsAssigner(viewer, loaded.facts)) {
    return fail([
      userError(
        "FORBIDDEN",
        "Only the assigning organization or the plan's coordinators may review this report",
        ["input", "reportId"],
      ),
    ]);
  }
  const comment = input.comment?.normalize("NFC").trim() || null;
  if (input.decision === ReviewDecision.RETURN && !comment)
    return fail([
      userError("BAD_USER_INPUT", "A comment is required to return a report", ["input", "comment"]),
    ]);
  if (comment && [...comment].length > MAX_COMMENT)
    return fail([
      userError("BAD_USER_INPUT", `comment must be at most ${MAX_COMMENT} characters`, ["input", "comment"]),
    ]);
  // A stale version is a CONFLICT whatever else has moved since (the UPDATE below re-checks it).
  if (input.version !== report.version) return fail([conflict(report.version)]);
  if (report.status !== ReportStatus.SUBMITTED) {
    return fail([
      userError("ILLEGAL_TRANSITION", `The report was already reviewed (${report.status})`, [
        "input",
        "reportId",
      ]),
    ]);
  }

  const a = loaded.assignment;
  const approve = input.decision === ReviewDecision.APPROVE;
  const status = approve ? ReportStatus.APPROVED : ReportStatus.RETURNED;
  try {
    return await withTransaction(ctx.ds, async (uow) => {
      const m = uow.manager;
      const res = await m
        .createQueryBuilder()
        .update(ProgressReport)
        .set({
          status,
          reviewComment: comment,
          reviewedByUserId: viewer.userId,
          reviewedAt: ctx.clock.now(),
          version: () => "version + 1",
        })
        .where("id = :id AND version = :version AND status = :submitted", {
          id: report.id,
          version: input.version,
          submitted: ReportStatus.SUBMITTED,
        })
        .execute();
      if (res.affected !== 1) {
        const [row] = await m.query("SELECT version FROM progress_report WHERE id = ?", [report.id]);
        return fail([conflict(Number(row?.version ?? 0))]);
      }

      // The decision carries over to the assignment only for its latest final report.
      let assignment: Assignment = a;
      if (report.isFinal && a.status === AssignmentStatus.REPORTED) {
        const [latest] = await m.query(
          "SELECT MAX(id) AS id FROM progress_report WHERE assignment_id = ? AND is_final = 1",
          [a.id],
        );
        if (Number(latest?.id) === report.id) {
          const t = transitionFor(approve ? AssignmentAction.APPROVE : AssignmentAction.SEND_BACK, a.status);
          if (!t || t.to === "previous")
            throw new Error("the transition table lost REPORTED → APPROVE/SEND_BACK");
          const after = await writeStatusChange(
            ctx,
            m,
            a,
            a.version,
            {
              to: t.to,
              action: t.action,
              comment,
              completedOn: approve ? localDate(ctx.clock.now(), ctx.timeZone) : undefined,
            },
            loaded.orgUnitPath,
          );
          if (!after) throw new AssignmentMoved();
          assignment = after;
        }
      }
      const after = await m.getRepository(ProgressReport).findOneByOrFail({ id: report.id });
      await recordAudit(
        m,
        { viewer, requestId: ctx.requestId, ip: ctx.ip },
        {
          action: approve ? "report.approve" : "report.return",
          objectType: "ProgressReport",
          objectId: report.id,
          scopePath: loaded.orgUnitPath,
          before: report,
          after,
        },
      );
      remindAfterCommit(ctx, uow, [a.id]);
      rollUpAfterCommit(ctx, uow, [a.id]);
      if (assignment !== a) await emitTaskEvent(ctx, uow, taskEventOf(assignment.status), [a.id]);
      return { report: after, assignment, userErrors: [] };
    });
  } catch (err) {
    if (err instanceof AssignmentMoved) {
      return fail([
        userError("CONFLICT", "The assignment was changed by someone else; reload and try again", [
          "input",
          "reportId",
        ]),
      ]);
    }
    throw err;
  }
}
