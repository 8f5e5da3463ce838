import { In } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { RoadmapOutcome } from "../../plans/plan.enums";
import { Plan } from "../../plans/plan.entity";
import { coordinates } from "../../plans/plan.policy";
import { RoadmapEntry } from "../../plans/roadmap-entry.entity";
import { type Context, requireViewer } from "../../shared/context";
import { type UserError, userError } from "../../shared/user-errors";
import { actorOf, idOf, rollupAfterCommit, unitOf } from "../criteria.store";
import type { CarryOverPayload, CarryOverRoadmapInput } from "../criteria-workflow.types";

const fail = (errors: UserError[]): CarryOverPayload => ({ created: [], carried: [], userErrors: errors });

/**
 * Carries every MISSED entry of a plan's roadmap over to a later plan: one PENDING entry each in
 * the target plan, for the target plan's year, pointing back through `carriedOverFrom`. Idempotent:
 * an entry already carried into that plan is not carried again (a unique index on
 * (plan, carried_over_from) holds under concurrent calls too). Coordinators of both plans only.
 */
export async function carryOverRoadmap(
  ctx: Context,
  input: CarryOverRoadmapInput,
): Promise<CarryOverPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const fromId = idOf("Plan", input.fromPlanId, "fromPlanId", errors);
  const toId = idOf("Plan", input.toPlanId, "toPlanId", errors);
  if (fromId === null || toId === null) return fail(errors);
  const plans = ctx.ds.getRepository(Plan);
  const from = await plans.findOneBy({ id: fromId });
  const to = await plans.findOneBy({ id: toId });
  if (!from) errors.push(userError("NOT_FOUND", "Plan not found", ["input", "fromPlanId"]));
  if (!to) errors.push(userError("NOT_FOUND", "Plan not found", ["input", "toPlanId"]));
  if (!from || !to) return fail(errors);
  const fromScope = await unitOf(ctx, from.scopeUnitId);
  const toScope = await unitOf(ctx, to.scopeUnitId);
  if (!fromScope || !toScope || !coordinates(viewer, fromScope.path) || !coordinates(viewer, toScope.path))
    return fail([
      userError("FORBIDDEN", "Only the coordinators of both plans carry a roadmap over", ["input"]),
    ]);
  if (to.year <= from.year)
    return fail([
      userError("BAD_USER_INPUT", `The target plan (${to.year}) must be later than ${from.year}`, [
        "input",
        "toPlanId",
      ]),
    ]);

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    // Serialises carry-overs into the same plan.
    await m.query("SELECT id FROM plan WHERE id = ? FOR UPDATE", [to.id]);
    const repo = m.getRepository(RoadmapEntry);
    const missed = await repo.find({
      where: { planId: from.id, outcome: RoadmapOutcome.MISSED },
      order: { id: "ASC" },
    });
    const already = missed.length
      ? await repo.findBy({ planId: to.id, carriedOverFromId: In(missed.map((e) => e.id)) })
      : [];
    const done = new Set(already.map((e) => e.carriedOverFromId));
    const createdIds: number[] = [];
    for (const e of missed.filter((x) => !done.has(x.id))) {
      const inserted = await repo.insert({
        planId: to.id,
        unitId: e.unitId,
        districtUnitId: e.districtUnitId,
        level: e.level,
        year: to.year,
        outcome: RoadmapOutcome.PENDING,
        carriedOverFromId: e.id,
        note: e.note,
        sources: e.sources,
        confidence: e.confidence,
      });
      createdIds.push(Number(inserted.identifiers[0].id));
    }
    const created = createdIds.length
      ? await repo.find({ where: { id: In(createdIds) }, order: { id: "ASC" } })
      : [];
    for (const e of created)
      await recordAudit(m, actorOf(ctx, viewer), {
        action: "roadmap_entry.carry_over",
        objectType: "RoadmapEntry",
        objectId: e.id,
        scopePath: toScope.path,
        after: e,
      });
    const carried = missed.length
      ? await repo.find({
          where: { planId: to.id, carriedOverFromId: In(missed.map((e) => e.id)) },
          order: { id: "ASC" },
        })
      : [];
    const units = [
      ...new Set(created.map((e) => e.unitId ?? e.districtUnitId).filter((u): u is number => u !== null)),
    ];
    rollupAfterCommit(ctx, uow, units, "roadmap");
    return { created, carried, userErrors: [] };
  });
}
