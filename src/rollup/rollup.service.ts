/**
 * Running the roll-up: the full rebuild of a plan (one transaction) and the incremental roll-up of
 * changed units (each unit and its ancestors, for every plan whose scope covers it).
 */
import type { DataSource, EntityManager } from "typeorm";
import { CalendarDay } from "../calendar/calendar-day.entity";
import type { CalendarExceptions } from "../calendar/working-days";
import { type Clock, localDate } from "../shared/clock";
import { withPlanLocks } from "./rollup-lock";
import { loadRollupParamsOf, rebuildPlans, rollUpUnits as rollUpUnitsSql, writeSnapshot } from "./rollup.sql";

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

/**
 * Rebuilds every figure of one plan from the source tables; false when the plan does not exist.
 * Like every roll-up write, under the plan's roll-up lock (rollup-lock.ts).
 */
export async function rebuildPlanProgress(
  deps: RollupDeps,
  planId: number,
  alsoInTransaction?: (m: EntityManager) => Promise<void>,
): Promise<boolean> {
  const today = todayOf(deps);
  return withPlanLocks(deps.ds, [planId], async (m) => {
    const plans = await loadRollupParamsOf(m, [planId], today, await calendarOf(m));
    if (plans.length === 0) return false;
    await rebuildPlans(m, plans);
    if (alsoInTransaction) await alsoInTransaction(m);
    return true;
  });
}

/** Plans rebuilt together: one set-based statement per level for all of them. */
export const REBUILD_BATCH = 100;

/** Connections (transactions) a batch is split between, rebuilt at the same time. */
export const REBUILD_CONNECTIONS = 2;

/**
 * Rebuilds every plan (the scheduled job): batches of REBUILD_BATCH plans, each batch split between
 * REBUILD_CONNECTIONS transactions that run at once, each under its plans' locks with a handful of
 * statements whatever its size (not a handful per plan).
 */
export async function rebuildAllPlans(deps: RollupDeps): Promise<number[]> {
  const today = todayOf(deps);
  const ids = ((await deps.ds.query("SELECT id FROM plan ORDER BY id")) as Array<{ id: number }>).map((r) =>
    Number(r.id),
  );
  const done: number[] = [];
  for (let i = 0; i < ids.length; i += REBUILD_BATCH) {
    const batch = ids.slice(i, i + REBUILD_BATCH);
    // Plans are independent: the batch is split between REBUILD_CONNECTIONS connections, each a
    // transaction of its own under its plans' locks, so MariaDB works on every core at once.
    const parts = Array.from({ length: REBUILD_CONNECTIONS }, (_, k) =>
      batch.filter((_id, j) => j % REBUILD_CONNECTIONS === k),
    ).filter((part) => part.length > 0);
    await Promise.all(
      parts.map((part) =>
        withPlanLocks(deps.ds, part, async (m) => {
          const plans = await loadRollupParamsOf(m, part, today, await calendarOf(m));
          if (plans.length === 0) return;
          await rebuildPlans(m, plans);
          done.push(...plans.map((p) => p.planId));
        }),
      ),
    );
  }
  return done.sort((a, b) => a - b);
}

/** Today's snapshot of every plan (idempotent: a second run the same day overwrites it). */
export async function snapshotAllPlans(deps: RollupDeps): Promise<string> {
  const today = todayOf(deps);
  const plans = (await deps.ds.query("SELECT id FROM plan ORDER BY id")) as Array<{ id: number }>;
  for (const { id } of plans) await writeSnapshot(deps.ds.manager, Number(id), today);
  return today;
}

/**
 * Recomputes the given units and their ancestors in every plan whose scope covers them, all plans
 * at once. Cost grows with the depth of the tree (a handful of statements touching a row per unit
 * and plan), not its size.
 */
export async function rollUpUnits(deps: RollupDeps, unitIds: readonly number[]): Promise<number> {
  if (unitIds.length === 0) return 0;
  const m = deps.ds.manager;
  const units = (await m.query(
    `SELECT id, path FROM admin_unit WHERE id IN (${unitIds.map((id) => Number(id).toFixed(0)).join(",")})`,
  )) as Array<{ id: number; path: string }>;
  if (units.length === 0) return 0;
  // Every unit of every chain: the plans whose scope is one of them cover the changed units.
  const chainIds = [...new Set(units.flatMap((u) => String(u.path).split("/").filter(Boolean).map(Number)))];
  const planIds = (
    (await m.query(
      `SELECT id FROM plan WHERE scope_unit_id IN (${chainIds.join(",")}) ORDER BY id`,
    )) as Array<{ id: number }>
  ).map((r) => Number(r.id));
  if (planIds.length === 0) return 0;
  const today = todayOf(deps);
  return withPlanLocks(deps.ds, planIds, async (tm) => {
    const plans = await loadRollupParamsOf(tm, planIds, today, await calendarOf(tm));
    // Units of a chain above a plan's scope fall outside it: the statements join each unit to the
    // plans whose scope holds it.
    await rollUpUnitsSql(tm, plans, chainIds);
    return plans.length;
  });
}
