import { recordAudit } from "../../audit/audit";
import { Plan } from "../../plans/plan.entity";
import { type Context, requireViewer } from "../../shared/context";
import { DomainError, ErrorCode } from "../../shared/errors";
import { decodeId } from "../../shared/ids";
import { userError } from "../../shared/user-errors";
import { Unit } from "../../units/unit.entity";
import { auditActor } from "../../users/user.audit";
import { canRebuildProgress } from "../progress.policy";
import { PlanProgress, RebuildProgressPayload } from "../progress.types";
import { rebuildPlanProgress } from "../rollup.service";

/**
 * Recounts a plan's figures from the source tables now (the scheduled rebuild does the same every
 * night): for coordinators of the plan's territory and administrators. One transaction with its
 * audit entry; readers keep seeing the previous figures until it commits.
 */
export async function rebuildProgress(ctx: Context, planGid: string): Promise<RebuildProgressPayload> {
  const viewer = requireViewer(ctx);
  const planId = decodeId("Plan", planGid, "planId");
  const plan = await ctx.ds.getRepository(Plan).findOne({ where: { id: planId } });
  if (!plan) return { planProgress: null, userErrors: [userError("NOT_FOUND", "No such plan", ["planId"])] };
  const scope = await ctx.ds.getRepository(Unit).findOne({ where: { id: plan.scopeUnitId } });
  if (!scope || !canRebuildProgress(viewer, scope.path)) {
    throw new DomainError(
      "Only the plan's coordinators can rebuild its progress figures",
      ErrorCode.FORBIDDEN,
    );
  }
  await rebuildPlanProgress({ ds: ctx.ds, clock: ctx.clock, timeZone: ctx.timeZone }, planId, (m) =>
    recordAudit(m, auditActor(ctx, viewer), {
      action: "progress.rebuild",
      objectType: "Plan",
      objectId: planId,
      scopePath: scope.path,
    }),
  );
  return {
    planProgress: Object.assign(new PlanProgress(), { planId, scopeUnitId: plan.scopeUnitId, plan }),
    userErrors: [],
  };
}
