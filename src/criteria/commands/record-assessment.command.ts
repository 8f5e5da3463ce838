import { In } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { Confidence } from "../../shared/provenance";
import { type UserError, conflictError, userError } from "../../shared/user-errors";
import { Assessment, IndicatorValue } from "../assessment.entity";
import { CriteriaSet } from "../criteria-set.entity";
import { AssessmentStage } from "../criteria.enums";
import { canRecordAssessment, setFitsUnit } from "../criteria.policy";
import {
  MAX_NOTE,
  actorOf,
  idOf,
  isDuplicateKey,
  lockUnit,
  rollupAfterCommit,
  textOf,
  todayIn,
  unitOf,
  yearOk,
} from "../criteria.store";
import type { AssessmentPayload, RecordAssessmentInput } from "../criteria-workflow.types";
import { Criterion, Indicator } from "../criterion.entity";

const MAX_EVIDENCE = 20;
const MAX_EVIDENCE_ITEM = 1000;
const MAX_VALUE_TEXT = 255;

const fail = (errors: UserError[]): AssessmentPayload => ({ assessment: null, userErrors: errors });

/** Thrown inside the transaction so that it rolls back. */
class Refused extends Error {
  constructor(readonly errors: UserError[]) {
    super("refused");
  }
}

/**
 * A unit records its own assessment of one criterion for a year (stage SELF): creates it, or
 * replaces it with its indicator values. A change after the district's check or the province's
 * appraisal sends it back to SELF; the audit log keeps every earlier version. One transaction,
 * guarded by the version; every refusal is a userError and writes nothing.
 */
export async function recordAssessment(
  ctx: Context,
  input: RecordAssessmentInput,
): Promise<AssessmentPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const unitId = idOf("Unit", input.unitId, "unitId", errors);
  const criterionId = idOf("Criterion", input.criterionId, "criterionId", errors);
  if (errors.length) return fail(errors);

  const unit = await unitOf(ctx, unitId!);
  if (!unit) return fail([userError("NOT_FOUND", "Unit not found", ["input", "unitId"])]);
  if (!canRecordAssessment(viewer, unit))
    return fail([
      userError("FORBIDDEN", "Only the unit's own officers record its assessment", ["input", "unitId"]),
    ]);

  const criterion = await ctx.ds.getRepository(Criterion).findOneBy({ id: criterionId! });
  if (!criterion) return fail([userError("NOT_FOUND", "Criterion not found", ["input", "criterionId"])]);
  const set = await ctx.ds.getRepository(CriteriaSet).findOneByOrFail({ id: criterion.setId });
  if (!setFitsUnit(set.kind, unit.level))
    return fail([
      userError("WRONG_LEVEL", `A ${set.kind} criterion cannot be assessed for a ${unit.level}`, [
        "input",
        "criterionId",
      ]),
    ]);
  if (!yearOk(input.year))
    return fail([userError("BAD_USER_INPUT", "year must be between 1900 and 2199", ["input", "year"])]);
  if (input.year < set.periodStartYear || (set.periodEndYear !== null && input.year > set.periodEndYear))
    return fail([
      userError(
        "BAD_USER_INPUT",
        `The criterion's set applies to ${set.periodStartYear}–${set.periodEndYear ?? "…"}, not ${input.year}`,
        ["input", "year"],
      ),
    ]);

  // Indicator values: each of an indicator of this criterion, at most once.
  const indicators = await ctx.ds.getRepository(Indicator).findBy({ criterionId: criterion.id });
  const ownIndicators = new Set(indicators.map((i) => i.id));
  const values: Array<Pick<IndicatorValue, "indicatorId" | "met" | "value" | "valueText">> = [];
  const seen = new Set<number>();
  input.indicatorValues.forEach((v, i) => {
    const field = `indicatorValues[${i}]`;
    const id = idOf("Indicator", v.indicatorId, `${field}.indicatorId`, errors);
    if (id === null) return;
    if (!ownIndicators.has(id)) {
      errors.push(
        userError("NOT_FOUND", "Indicator not found in this criterion", [
          "input",
          "indicatorValues",
          String(i),
        ]),
      );
      return;
    }
    if (seen.has(id)) {
      errors.push(
        userError("BAD_USER_INPUT", "Each indicator may be given once", [
          "input",
          "indicatorValues",
          String(i),
        ]),
      );
      return;
    }
    seen.add(id);
    const valueText = textOf(v.valueText, `${field}.valueText`, MAX_VALUE_TEXT, errors);
    values.push({ indicatorId: id, met: v.met ?? null, value: v.value ?? null, valueText });
  });
  if (input.evidence.length > MAX_EVIDENCE)
    errors.push(
      userError("BAD_USER_INPUT", `evidence may hold at most ${MAX_EVIDENCE} items`, ["input", "evidence"]),
    );
  const evidence: string[] = [];
  input.evidence.forEach((e, i) => {
    const text = textOf(e, `evidence[${i}]`, MAX_EVIDENCE_ITEM, errors, true);
    if (text) evidence.push(text);
  });
  const note = textOf(input.note, "note", MAX_NOTE, errors);
  if (errors.length) return fail(errors);

  try {
    return await withTransaction(ctx.ds, async (uow) => {
      const m = uow.manager;
      // One writer per unit at a time: two first recordings of the same criterion cannot deadlock on the gap.
      await lockUnit(m, unit.id);
      const repo = m.getRepository(Assessment);
      const existing = await repo
        .createQueryBuilder("a")
        .setLock("pessimistic_write")
        .where("a.unit_id = :u AND a.criterion_id = :c AND a.year = :y", {
          u: unit.id,
          c: criterion.id,
          y: input.year,
        })
        .getOne();
      const before = existing
        ? {
            ...existing,
            indicatorValues: await m.getRepository(IndicatorValue).findBy({ assessmentId: existing.id }),
          }
        : null;
      const fields = {
        met: input.met,
        stage: AssessmentStage.SELF,
        assessedOn: todayIn(ctx),
        assessedByOrgId: viewer.orgId,
        note,
        evidence,
        returnedReason: null,
        reviewedByOrgId: null,
        reviewedOn: null,
        confidence: Confidence.CONFIRMED,
      };
      let id: number;
      if (existing) {
        if (input.version == null || input.version !== existing.version)
          throw new Refused([conflictError("assessment", existing.version)]);
        await repo.update(
          { id: existing.id, version: existing.version },
          { ...fields, version: existing.version + 1 },
        );
        id = existing.id;
        await m.getRepository(IndicatorValue).delete({ assessmentId: id });
      } else {
        if (input.version != null) throw new Refused([conflictError("assessment", 0)]);
        const inserted = await repo.insert({
          unitId: unit.id,
          criterionId: criterion.id,
          year: input.year,
          sources: [],
          ...fields,
        });
        id = Number(inserted.identifiers[0].id);
      }
      if (values.length)
        await m.getRepository(IndicatorValue).insert(values.map((v) => ({ ...v, assessmentId: id })));
      const after = await repo.findOneByOrFail({ id });
      const afterValues = values.length
        ? await m
            .getRepository(IndicatorValue)
            .findBy({ assessmentId: id, indicatorId: In(values.map((v) => v.indicatorId)) })
        : [];
      await recordAudit(m, actorOf(ctx, viewer), {
        action: existing ? "assessment.update" : "assessment.create",
        objectType: "Assessment",
        objectId: id,
        scopePath: unit.path,
        before,
        after: { ...after, indicatorValues: afterValues },
      });
      rollupAfterCommit(ctx, uow, [unit.id], "assessment");
      return { assessment: after, userErrors: [] };
    });
  } catch (err) {
    if (err instanceof Refused) return fail(err.errors);
    // Another request created the same assessment first.
    if (isDuplicateKey(err)) return fail([conflictError("assessment", 1)]);
    throw err;
  }
}
