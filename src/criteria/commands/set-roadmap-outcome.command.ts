import { recordAudit } from "../../audit/audit";
import { updateIfVersion } from "../../db/versioned-update";
import { withTransaction } from "../../db/transaction";
import { Plan } from "../../plans/plan.entity";
import { coordinates } from "../../plans/plan.policy";
import { RoadmapEntry } from "../../plans/roadmap-entry.entity";
import { type Context, requireViewer } from "../../shared/context";
import { type UserError, conflictError, userError } from "../../shared/user-errors";
import { MAX_NOTE, actorOf, idOf, rollupAfterCommit, textOf, unitOf } from "../criteria.store";
import type { RoadmapEntryPayload, SetRoadmapOutcomeInput } from "../criteria-workflow.types";

const fail = (errors: UserError[]): RoadmapEntryPayload => ({ entry: null, userErrors: errors });

/**
 * Records what happened to a roadmap entry in its plan's year (REACHED, MISSED, or back to
 * PENDING). The plan's coordinators only (the same rule as editing the plan). The outcome is
 * what the coordinators state: it is not derived from the recognitions, which may come later.
 */
export async function setRoadmapOutcome(
  ctx: Context,
  input: SetRoadmapOutcomeInput,
): Promise<RoadmapEntryPayload> {
  const viewer = requireViewer(ctx);
  const errors: UserError[] = [];
  const id = idOf("RoadmapEntry", input.entryId, "entryId", errors);
  if (id === null) return fail(errors);
  const entry = await ctx.ds.getRepository(RoadmapEntry).findOneBy({ id });
  const plan = entry ? await ctx.ds.getRepository(Plan).findOneBy({ id: entry.planId }) : null;
  const scope = plan ? await unitOf(ctx, plan.scopeUnitId) : null;
  if (!entry || !scope)
    return fail([userError("NOT_FOUND", "Roadmap entry not found", ["input", "entryId"])]);
  if (!coordinates(viewer, scope.path))
    return fail([
      userError("FORBIDDEN", "Only the plan's coordinators set roadmap outcomes", ["input", "entryId"]),
    ]);
  if (input.version !== entry.version) return fail([conflictError("roadmap entry", entry.version)]);
  const note = textOf(input.note, "note", MAX_NOTE, errors);
  if (errors.length) return fail(errors);

  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    const res = await updateIfVersion(m, RoadmapEntry, entry.id, input.version, {
      outcome: input.outcome,
      ...(note !== null ? { note } : {}),
    });
    if (!res.ok) return fail([conflictError("roadmap entry", res.current)]);
    const after = await m.getRepository(RoadmapEntry).findOneByOrFail({ id: entry.id });
    await recordAudit(m, actorOf(ctx, viewer), {
      action: "roadmap_entry.outcome",
      objectType: "RoadmapEntry",
      objectId: entry.id,
      scopePath: scope.path,
      before: entry,
      after,
    });
    const units = [entry.unitId ?? entry.districtUnitId].filter((u): u is number => u !== null);
    rollupAfterCommit(ctx, uow, units.length ? units : [scope.id], "roadmap");
    return { entry: after, userErrors: [] };
  });
}
