import type { EntityManager } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { Confidence } from "../../shared/provenance";
import { type UserError, userError } from "../../shared/user-errors";
import type { Unit } from "../../units/unit.entity";
import { RecognitionLevel } from "../criteria.enums";
import {
  PREREQUISITE_OF,
  SET_KIND_OF,
  UNIT_LEVEL_OF,
  canRecordRecognition,
  finalStage,
} from "../criteria.policy";
import {
  MAX_NOTE,
  actorOf,
  idOf,
  lockUnit,
  rollupAfterCommit,
  textOf,
  unitOf,
  yearOk,
} from "../criteria.store";
import type { RecognitionPayload, RecordRecognitionInput } from "../criteria-workflow.types";
import { Recognition } from "../recognition.entity";

const fail = (errors: UserError[]): RecognitionPayload => ({ recognition: null, userErrors: errors });

class Refused extends Error {
  constructor(readonly errors: UserError[]) {
    super("refused");
  }
}

/** How many criteria of the set in force for `year` the unit's final-stage assessments show met. */
export async function criteriaStanding(
  m: EntityManager,
  unit: Pick<Unit, "id" | "level">,
  level: RecognitionLevel,
  year: number,
): Promise<{ setCode: string | null; total: number; met: number }> {
  const kind = SET_KIND_OF[level];
  if (!kind) return { setCode: null, total: 0, met: 0 };
  const [set] = await m.query(
    `SELECT id, code, criteria_count AS total FROM criteria_set
      WHERE kind = ? AND period_start_year <= ? AND (period_end_year IS NULL OR period_end_year >= ?)
      ORDER BY period_start_year DESC, id DESC LIMIT 1`,
    [kind, year, year],
  );
  if (!set) return { setCode: null, total: 0, met: 0 };
  const [row] = await m.query(
    `SELECT COUNT(*) AS total,
            SUM(EXISTS (SELECT 1 FROM assessment a
                         WHERE a.criterion_id = c.id AND a.unit_id = ? AND a.year = ? AND a.met = 1
                           AND a.stage = ?)) AS met
       FROM criterion c WHERE c.set_id = ?`,
    [unit.id, year, finalStage(unit.level), set.id],
  );
  return { setCode: String(set.code), total: Number(row?.total ?? 0), met: Number(row?.met ?? 0) };
}

/**
 * Records a recognition decision: the provincial chairman's for a commune (NTM, advanced, model;
 * by the coordinators), the district's for a village (by the district's officers). Refused, with
 * nothing written: a level that does not fit the unit (WRONG_LEVEL); an active recognition at the
 * same level (DUPLICATE); unless `overrideCriteria` (with a note) is given, a missing prerequisite
 * level (PREREQUISITE_MISSING) or final-stage assessments of that year that do not show every
 * criterion of the set met (CRITERIA_NOT_MET). The override exists because real decisions often
 * come before the data is entered (the seeded historical recognitions have no assessments); it
 * is kept on the row (`criteriaOverride`) and in the audit log.
 */
export async function recordRecognition(
  ctx: Context,
  input: RecordRecognitionInput,
): Promise<RecognitionPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const unitId = idOf("Unit", input.unitId, "unitId", errors);
  if (unitId === null) return fail(errors);
  const unit = await unitOf(ctx, unitId);
  if (!unit) return fail([userError("NOT_FOUND", "Unit not found", ["input", "unitId"])]);
  if (!canRecordRecognition(viewer, unit, input.level))
    return fail([
      userError(
        "FORBIDDEN",
        UNIT_LEVEL_OF[input.level] === "village"
          ? "Only the officers of the village's district record its recognition"
          : UNIT_LEVEL_OF[input.level] === "commune"
            ? "Only the province's coordinators record a commune's recognition"
            : "District recognitions are not recorded through the API",
        ["input", "unitId"],
      ),
    ]);
  if (UNIT_LEVEL_OF[input.level] !== unit.level)
    return fail([
      userError(
        "WRONG_LEVEL",
        `${input.level} applies to a ${UNIT_LEVEL_OF[input.level]}, and this unit is a ${unit.level}`,
        ["input", "level"],
      ),
    ]);
  const decisionNo = textOf(input.decisionNo, "decisionNo", 64, errors, true);
  const decidedBy = textOf(input.decidedBy, "decidedBy", 200, errors, true);
  const note = textOf(input.note, "note", MAX_NOTE, errors, input.overrideCriteria);
  const standardYear = input.standardYear ?? Number(input.decidedOn.slice(0, 4));
  if (!yearOk(standardYear))
    errors.push(
      userError("BAD_USER_INPUT", "standardYear must be between 1900 and 2199", ["input", "standardYear"]),
    );
  if (errors.length) return fail(errors);

  try {
    return await withTransaction(ctx.ds, async (uow) => {
      const m = uow.manager;
      await lockUnit(m, unit.id);
      const active = await m.query("SELECT level FROM recognition WHERE unit_id = ? AND revoked_on IS NULL", [
        unit.id,
      ]);
      const levels = new Set(active.map((r: { level: string }) => r.level));
      if (levels.has(input.level))
        throw new Refused([
          userError("DUPLICATE", `The unit already holds an active ${input.level} recognition`, [
            "input",
            "level",
          ]),
        ]);
      const problems: UserError[] = [];
      const prerequisite = PREREQUISITE_OF[input.level];
      if (prerequisite && !levels.has(prerequisite))
        problems.push(
          userError(
            "PREREQUISITE_MISSING",
            `${input.level} needs an active ${prerequisite} recognition first`,
            ["input", "level"],
          ),
        );
      const standing = await criteriaStanding(m, unit, input.level, standardYear);
      if (standing.total === 0 || standing.met < standing.total)
        problems.push(
          userError(
            "CRITERIA_NOT_MET",
            standing.setCode === null
              ? `No criteria set for ${input.level} is in force in ${standardYear}`
              : `${standing.met} of ${standing.total} criteria of ${standing.setCode} are ${finalStage(unit.level)} and met for ${standardYear}`,
            ["input", "overrideCriteria"],
          ),
        );
      if (problems.length && !input.overrideCriteria) throw new Refused(problems);

      const repo = m.getRepository(Recognition);
      const inserted = await repo.insert({
        unitId: unit.id,
        level: input.level,
        standardYear,
        decisionNo,
        decidedOn: input.decidedOn,
        decidedBy,
        criteriaOverride: problems.length > 0,
        recordedByOrgId: viewer.orgId,
        note,
        sources: [],
        confidence: Confidence.CONFIRMED,
      });
      const after = await repo.findOneByOrFail({ id: Number(inserted.identifiers[0].id) });
      await recordAudit(m, actorOf(ctx, viewer), {
        action: "recognition.create",
        objectType: "Recognition",
        objectId: after.id,
        scopePath: unit.path,
        after: { ...after, overridden: problems.map((p) => p.code) },
      });
      rollupAfterCommit(ctx, uow, [unit.id], "recognition");
      return { recognition: after, userErrors: [] };
    });
  } catch (err) {
    if (err instanceof Refused) return fail(err.errors);
    throw err;
  }
}
