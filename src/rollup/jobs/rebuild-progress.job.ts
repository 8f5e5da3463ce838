/**
 * The scheduled full rebuild of every plan (set-based SQL per level), which also catches up any
 * roll-up Redis lost, and moves the timeliness classes on as days pass. Nightly and on demand.
 */
import { rebuildAllPlans, rebuildPlanProgress, type RollupDeps } from "../rollup.service";

export const REBUILD_PROGRESS = "rebuild-progress" as const;

/** Ids only: one plan, or every plan when absent. */
export interface RebuildProgressPayload {
  planId?: number;
}

export async function handleRebuildProgress(
  deps: RollupDeps,
  payload: RebuildProgressPayload,
): Promise<{ plans: number[] }> {
  if (payload.planId !== undefined) {
    return { plans: (await rebuildPlanProgress(deps, payload.planId)) ? [payload.planId] : [] };
  }
  return { plans: await rebuildAllPlans(deps) };
}
