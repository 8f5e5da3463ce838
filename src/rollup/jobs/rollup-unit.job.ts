/**
 * Recompute one changed unit and its ancestors, in every plan whose scope covers it. Added after
 * a change commits; a burst for the same unit collapses into one job (BullMQ deduplication, id
 * `unit-<id>`), released when the job starts so a change during the run gets a run of its own.
 */
import { rollUpUnits, type RollupDeps } from "../rollup.service";

export const ROLLUP_UNIT = "rollup-unit" as const;

export interface RollupUnitPayload {
  unitId: number;
}

/** The deduplication id of a unit's pending roll-up (no ':' in BullMQ ids). */
export function rollupDedupId(unitId: number): string {
  return `unit-${unitId}`;
}

export async function handleRollupUnit(
  deps: RollupDeps,
  payload: RollupUnitPayload,
): Promise<{ plans: number }> {
  return { plans: await rollUpUnits(deps, [payload.unitId]) };
}
