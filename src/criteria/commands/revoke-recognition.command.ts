import { recordAudit } from "../../audit/audit";
import { updateIfVersion } from "../../db/versioned-update";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { type UserError, conflictError, userError } from "../../shared/user-errors";
import { In, IsNull } from "typeorm";
import { PREREQUISITE_OF, UNIT_LEVEL_OF, canRevokeRecognition } from "../criteria.policy";
import { MAX_NOTE, actorOf, idOf, lockUnit, rollupAfterCommit, textOf, unitOf } from "../criteria.store";
import type { RecognitionPayload, RevokeRecognitionInput } from "../criteria-workflow.types";
import { RecognitionLevel } from "../criteria.enums";
import { Recognition } from "../recognition.entity";

/** The levels that need `level`, directly or through another (PREREQUISITE_OF). */
export function dependentLevels(level: RecognitionLevel): RecognitionLevel[] {
  const out: RecognitionLevel[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const [l, pre] of Object.entries(PREREQUISITE_OF) as Array<[RecognitionLevel, RecognitionLevel]>)
      if ((pre === level || out.includes(pre)) && !out.includes(l)) {
        out.push(l);
        changed = true;
      }
  }
  return out;
}

const fail = (errors: UserError[]): RecognitionPayload => ({ recognition: null, userErrors: errors });

/**
 * Revokes a recognition (thu hồi) with its own decision: number, date and reason. The row stays,
 * closed. Same authority as recording it. Refused with nothing written: unknown (NOT_FOUND), the
 * wrong side (FORBIDDEN), stale version (CONFLICT), already revoked (ALREADY_REVOKED), a date
 * before the recognition's own (BAD_USER_INPUT).
 *
 * A level that needs the revoked one goes with it (nâng cao needs NTM, kiểu mẫu needs nâng cao:
 * PREREQUISITE_OF): the unit's active recognitions at those levels are revoked by the same
 * decision and reason, on the same date (or on their own decision's date when that is later),
 * each with its audit entry, so the unit never holds a level without the one beneath it. The unit's row is
 * locked first, as recording a recognition does, so a recognition recorded at the same moment
 * cannot slip past its prerequisite's revocation.
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
    await lockUnit(m, unit.id);
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
    const dependents = dependentLevels(r.level);
    if (dependents.length > 0) {
      const held = await m
        .getRepository(Recognition)
        .find({ where: { unitId: unit.id, level: In(dependents), revokedOn: IsNull() } });
      for (const d of held) {
        const on = d.decidedOn !== null && d.decidedOn > input.revokedOn ? d.decidedOn : input.revokedOn;
        await m.getRepository(Recognition).update(
          { id: d.id, version: d.version },
          {
            revokedOn: on,
            revocationDecisionNo: decisionNo,
            revocationReason: reason,
            version: d.version + 1,
          },
        );
        await recordAudit(m, actorOf(ctx, viewer), {
          action: "recognition.revoke",
          objectType: "Recognition",
          objectId: d.id,
          scopePath: unit.path,
          before: d,
          after: await m.getRepository(Recognition).findOneByOrFail({ id: d.id }),
        });
      }
    }
    rollupAfterCommit(ctx, uow, [unit.id], "recognition");
    return { recognition: after, userErrors: [] };
  });
}
