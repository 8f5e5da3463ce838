import { recordAudit } from "../../audit/audit";
import { updateIfVersion } from "../../db/versioned-update";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { type UserError, conflictError, userError } from "../../shared/user-errors";
import { Assessment } from "../assessment.entity";
import {
  canAppraiseAssessment,
  canCheckAssessment,
  canReturnAssessment,
  stageAfter,
} from "../criteria.policy";
import { MAX_NOTE, actorOf, idOf, rollupAfterCommit, textOf, todayIn, unitOf } from "../criteria.store";
import {
  AssessmentDecision,
  type AssessmentPayload,
  type ReviewAssessmentInput,
} from "../criteria-workflow.types";

const fail = (errors: UserError[]): AssessmentPayload => ({ assessment: null, userErrors: errors });

const STEP = {
  [AssessmentDecision.CHECK]: "check",
  [AssessmentDecision.APPRAISE]: "appraise",
  [AssessmentDecision.RETURN]: "return",
} as const;

/**
 * The district checks (huyện kiểm tra) or the province appraises (tỉnh thẩm định) an assessment,
 * or either returns it to the unit with a reason. Refusals, in order: bad ID, unknown assessment
 * (NOT_FOUND), the wrong side (FORBIDDEN), a stale version (CONFLICT), a step the stage does not
 * allow (ILLEGAL_TRANSITION), a missing reason (BAD_USER_INPUT); each writes nothing.
 */
export async function reviewAssessment(
  ctx: Context,
  input: ReviewAssessmentInput,
): Promise<AssessmentPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const id = idOf("Assessment", input.assessmentId, "assessmentId", errors);
  if (id === null) return fail(errors);
  const a = await ctx.ds.getRepository(Assessment).findOneBy({ id });
  const unit = a ? await unitOf(ctx, a.unitId) : null;
  if (!a || !unit) return fail([userError("NOT_FOUND", "Assessment not found", ["input", "assessmentId"])]);

  const step = STEP[input.decision];
  const allowed =
    step === "check"
      ? canCheckAssessment(viewer, unit)
      : step === "appraise"
        ? canAppraiseAssessment(viewer, unit)
        : canReturnAssessment(viewer, unit, a.stage);
  if (!allowed)
    return fail([
      userError(
        "FORBIDDEN",
        step === "check"
          ? "Only the officers of the unit's district check its assessments"
          : step === "appraise"
            ? "Only the province's coordinators appraise this assessment"
            : "Only the district (before appraisal) or the province may return this assessment",
        ["input", "assessmentId"],
      ),
    ]);
  if (input.version !== a.version) return fail([conflictError("assessment", a.version)]);
  const to = stageAfter(step, unit.level, a.stage);
  if (to === null)
    return fail([
      userError(
        "ILLEGAL_TRANSITION",
        `A ${unit.level}'s assessment at stage ${a.stage} cannot be ${step}ed`,
        ["input", "decision"],
      ),
    ]);
  const reason = textOf(input.reason, "reason", MAX_NOTE, errors, step === "return");
  if (errors.length) return fail(errors);

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    const res = await updateIfVersion(m, Assessment, a.id, input.version, {
      stage: to,
      returnedReason: step === "return" ? reason : null,
      reviewedByOrgId: viewer.orgId,
      reviewedOn: todayIn(ctx),
    });
    if (!res.ok) return fail([conflictError("assessment", res.current)]);
    const after = await m.getRepository(Assessment).findOneByOrFail({ id: a.id });
    await recordAudit(m, actorOf(ctx, viewer), {
      action: `assessment.${step}`,
      objectType: "Assessment",
      objectId: a.id,
      scopePath: unit.path,
      before: a,
      after: step === "return" ? after : { ...after, comment: reason },
    });
    rollupAfterCommit(ctx, uow, [unit.id], "assessment");
    return { assessment: after, userErrors: [] };
  });
}
