import { recordAudit } from "../../audit/audit";
import { updateIfVersion } from "../../db/versioned-update";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { type UserError, conflictError, userError } from "../../shared/user-errors";
import { UNIT_LEVEL_OF, canRevokeRecognition } from "../criteria.policy";
import { MAX_NOTE, actorOf, idOf, rollupAfterCommit, textOf, unitOf } from "../criteria.store";
import type { RecognitionPayload, RevokeRecognitionInput } from "../criteria-workflow.types";
import { Recognition } from "../recognition.entity";

const fail = (errors: UserError[]): RecognitionPayload => ({ recognition: null, userErrors: errors });

/**
 * Revokes a recognition (thu hồi) with its own decision: number, date and reason. The row stays,
 * closed. Same authority as recording it. Refused with nothing written: unknown (NOT_FOUND), the
 * wrong side (FORBIDDEN), stale version (CONFLICT), already revoked (ALREADY_REVOKED), a date
 * before the recognition's own (BAD_USER_INPUT).
 */
export async function revokeRecognition(
  ctx: Context,
  input: RevokeRecognitionInput,
): Promise<RecognitionPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const id = idOf("Recognition", input.recognitionId, "recognitionId", errors);
  if (id === null) return fail(errors);
  const r = await ctx.ds.getRepository(Recognition).findOneBy({ id });
  const unit = r ? await unitOf(ctx, r.unitId) : null;
  if (!r || !unit) return fail([userError("NOT_FOUND", "Recognition not found", ["input", "recognitionId"])]);
  if (!canRevokeRecognition(viewer, unit, r.level))
    return fail([
      userError(
        "FORBIDDEN",
        UNIT_LEVEL_OF[r.level] === "village"
          ? "Only the officers of the village's district revoke its recognition"
          : UNIT_LEVEL_OF[r.level] === "commune"
            ? "Only the province's coordinators revoke a commune's recognition"
            : "District recognitions are not revoked through the API",
        ["input", "recognitionId"],
      ),
    ]);
  if (input.version !== r.version) return fail([conflictError("recognition", r.version)]);
  if (r.revokedOn !== null)
    return fail([
      userError("ALREADY_REVOKED", `The recognition was revoked on ${r.revokedOn}`, [
        "input",
        "recognitionId",
      ]),
    ]);
  const decisionNo = textOf(input.decisionNo, "decisionNo", 64, errors, true);
  const reason = textOf(input.reason, "reason", MAX_NOTE, errors, true);
  if (r.decidedOn !== null && input.revokedOn < r.decidedOn)
    errors.push(
      userError("BAD_USER_INPUT", `revokedOn is before the recognition's decision (${r.decidedOn})`, [
        "input",
        "revokedOn",
      ]),
    );
  if (errors.length) return fail(errors);

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    const res = await updateIfVersion(m, Recognition, r.id, input.version, {
      revokedOn: input.revokedOn,
      revocationDecisionNo: decisionNo,
      revocationReason: reason,
    });
    if (!res.ok) return fail([conflictError("recognition", res.current)]);
    const after = await m.getRepository(Recognition).findOneByOrFail({ id: r.id });
    await recordAudit(m, actorOf(ctx, viewer), {
      action: "recognition.revoke",
      objectType: "Recognition",
      objectId: r.id,
      scopePath: unit.path,
      before: r,
      after,
    });
    rollupAfterCommit(ctx, uow, [unit.id], "recognition");
    return { recognition: after, userErrors: [] };
  });
}
