/**
 * Running the roll-up: the full rebuild of a plan (one transaction) and the incremental roll-up of
 * changed units (each unit and its ancestors, for every plan whose scope covers it).
 */
import type { DataSource, EntityManager } from "typeorm";
import { CalendarDay } from "../calendar/calendar-day.entity";
import type { CalendarExceptions } from "../calendar/working-days";
import { type Clock, localDate } from "../shared/clock";
import { loadRollupParams, rebuildPlan, rollUpChain, writeSnapshot } from "./rollup.sql";

export interface RollupDeps {
  ds: DataSource;
  clock: Clock;
  timeZone: string;
}

async function calendarOf(m: EntityManager): Promise<CalendarExceptions> {
  const rows = await m.getRepository(CalendarDay).find();
  return new Map(rows.map((r) => [r.date, r.kind]));
}

function todayOf(deps: RollupDeps): string {
  return localDate(deps.clock.now(), deps.timeZone);
}

/** Rebuilds every figure of one plan from the source tables; false when the plan does not exist. */
export async function rebuildPlanProgress(
  deps: RollupDeps,
  planId: number,
  alsoInTransaction?: (m: EntityManager) => Promise<void>,
): Promise<boolean> {
  const today = todayOf(deps);
  return deps.ds.transaction(async (m) => {
    const params = await loadRollupParams(m, planId, today, await calendarOf(m));
    if (!params) return false;
    await rebuildPlan(m, params);
    if (alsoInTransaction) await alsoInTransaction(m);
    return true;
  });
}

/** Rebuilds every plan (the scheduled job), each in its own transaction. */
export async function rebuildAllPlans(deps: RollupDeps): Promise<number[]> {
  const plans = (await deps.ds.query("SELECT id FROM plan ORDER BY id")) as Array<{ id: number }>;
  const done: number[] = [];
  for (const { id } of plans) if (await rebuildPlanProgress(deps, Number(id))) done.push(Number(id));
  return done;
}

/** Today's snapshot of every plan (idempotent: a second run the same day overwrites it). */
export async function snapshotAllPlans(deps: RollupDeps): Promise<string> {
  const today = todayOf(deps);
  const plans = (await deps.ds.query("SELECT id FROM plan ORDER BY id")) as Array<{ id: number }>;
  for (const { id } of plans) await writeSnapshot(deps.ds.manager, Number(id), today);
  return today;
}

/**
 * Recomputes the given units and their ancestors in every plan whose scope covers them. Cost
 * grows with the depth of the tree (a handful of one-row statements per level), not its size.
 */
export async function rollUpUnits(deps: RollupDeps, unitIds: readonly number[]): Promise<number> {
  if (unitIds.length === 0) return 0;
  const m = deps.ds.manager;
  const units = (await m.query(
    `SELECT id, path FROM admin_unit WHERE id IN (${unitIds.map((id) => Number(id).toFixed(0)).join(",")})`,
  )) as Array<{ id: number; path: string }>;
  if (units.length === 0) return 0;
  const chains = units.map((u) => String(u.path).split("/").filter(Boolean).map(Number));
  const allIds = [...new Set(chains.flat())];
  const plans = (await m.query(
    `SELECT id, scope_unit_id FROM plan WHERE scope_unit_id IN (${allIds.join(",")}) ORDER BY id`,
  )) as Array<{ id: number; scope_unit_id: number }>;
  if (plans.length === 0) return 0;
  const today = todayOf(deps);
  const calendar = await calendarOf(m);
  let n = 0;
  for (const plan of plans) {
    const params = await loadRollupParams(m, Number(plan.id), today, calendar);
    if (!params) continue;
    // The union of the chains under this plan's scope: one pass over the levels for all of them.
    const ids = new Set<number>();
    for (const chain of chains) {
      const at = chain.indexOf(Number(plan.scope_unit_id));
      if (at >= 0) for (const id of chain.slice(at)) ids.add(id);
    }
    await rollUpChain(m, params, [...ids]);
    n += 1;
  }
  return n;
}
