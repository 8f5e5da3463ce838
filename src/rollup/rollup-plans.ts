/**
 * The plans a roll-up statement covers, and what each one needs to know (its year, scope, as-of
 * date and criteria sets), written into the statement as a small derived table `pp` of one row
 * per plan. Every statement of src/rollup/rollup.sql.ts joins it, so one statement serves one
 * plan (a coordinator's rebuild, an incremental roll-up) or every plan at once (the nightly rebuild).
 */
import type { EntityManager } from "typeorm";
import { addDays, addWorkingDays, type CalendarExceptions } from "../calendar/working-days";
import { DUE_SOON_WORKING_DAYS } from "../workflow/timeliness";

export interface RollupParams {
  planId: number;
  year: number;
  scopeUnitId: number;
  scopePath: string;
  /** Depth of the scope unit in the tree (0 for a province), read from its path. */
  scopeDepth: number;
  /** Local date the figures are for: min(today, 31/12 of the plan year). */
  asOf: string;
  /** Local date today (timeliness, revocations). */
  today: string;
  /** Last day counted as "due soon" (3 working days after today). */
  dueSoonLimit: string;
  sets: { commune: CriteriaSetRef | null; village: CriteriaSetRef | null; district: CriteriaSetRef | null };
}

export interface CriteriaSetRef {
  id: number;
  count: number;
}

type Raw = Record<string, unknown>;

/**
 * Reads the given plans (every plan when `planIds` is null) with the criteria sets in force for
 * their years, in plan id order; plans that do not exist are left out.
 */
export async function loadRollupParamsOf(
  m: EntityManager,
  planIds: readonly number[] | null,
  today: string,
  calendar: CalendarExceptions,
): Promise<RollupParams[]> {
  if (planIds !== null && planIds.length === 0) return [];
  const plans = (await m.query(
    `SELECT p.id, p.year, p.scope_unit_id, u.path FROM plan p JOIN admin_unit u ON u.id = p.scope_unit_id
     ${planIds === null ? "" : `WHERE p.id IN (${idList(planIds)})`} ORDER BY p.id`,
  )) as Raw[];
  if (plans.length === 0) return [];
  const sets = (await m.query(
    `SELECT id, kind, criteria_count, period_start_year, period_end_year FROM criteria_set
     ORDER BY period_start_year DESC, id DESC`,
  )) as Raw[];
  const dueSoonLimit = lastDueSoonDay(today, calendar);
  return plans.map((plan) => {
    const year = Number(plan.year);
    const pick = (kind: string): CriteriaSetRef | null => {
      const s = sets.find(
        (r) =>
          r.kind === kind &&
          Number(r.period_start_year) <= year &&
          (r.period_end_year === null || Number(r.period_end_year) >= year),
      );
      return s ? { id: Number(s.id), count: Number(s.criteria_count) } : null;
    };
    const yearEnd = `${year}-12-31`;
    return {
      planId: Number(plan.id),
      year,
      scopeUnitId: Number(plan.scope_unit_id),
      scopePath: String(plan.path),
      scopeDepth: String(plan.path).split("/").filter(Boolean).length - 1,
      asOf: today < yearEnd ? today : yearEnd,
      today,
      dueSoonLimit,
      sets: { commune: pick("commune"), village: pick("village"), district: pick("district") },
    };
  });
}

/** Reads one plan and the criteria sets in force for its year; null when the plan does not exist. */
export async function loadRollupParams(
  m: EntityManager,
  planId: number,
  today: string,
  calendar: CalendarExceptions,
): Promise<RollupParams | null> {
  return (await loadRollupParamsOf(m, [planId], today, calendar))[0] ?? null;
}

/** The last deadline that is still "due soon" today: at most 3 working days left. */
export function lastDueSoonDay(today: string, calendar: CalendarExceptions): string {
  // The day before the 4th working day after today.
  return addDays(addWorkingDays(today, DUE_SOON_WORKING_DAYS + 1, calendar), -1);
}

/** Ids as a SQL list (integers only). */
export function idList(ids: readonly number[]): string {
  return ids
    .map((id) => {
      if (!Number.isSafeInteger(Number(id))) throw new Error(`not an id: ${String(id)}`);
      return Number(id).toFixed(0);
    })
    .join(",");
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const PATH_RE = /^\/(\d+\/)*$/;

/** A date literal; the values come from the clock and the plan year, checked all the same. */
export function dateLit(d: string): string {
  if (!DATE_RE.test(d)) throw new Error(`not a date: ${d}`);
  return `DATE '${d}'`;
}

function intLit(n: number | null): string {
  if (n === null) return "NULL";
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return n.toFixed(0);
}

/** The criteria set of the units of one depth: district 1, commune 2, village 3; none at 0. */
export function setAt(p: RollupParams, depth: number): CriteriaSetRef | null {
  return depth === 1 ? p.sets.district : depth === 2 ? p.sets.commune : depth === 3 ? p.sets.village : null;
}

/**
 * One row per plan: plan_id, year, scope_unit_id, scope_path, as_of, start_date (31/12 of the
 * previous year), and per depth d = 1..3 the criteria set (set<d>, NULL when none) and its number
 * of criteria (n<d>). The plans of one table share the depth of their scope (see unitInPlan).
 */
export function plansTable(plans: readonly RollupParams[]): string {
  if (plans.length === 0) throw new Error("a roll-up statement needs at least one plan");
  scopeDepthOf(plans);
  const rows = plans.map((p) => {
    if (!PATH_RE.test(p.scopePath)) throw new Error(`not a unit path: ${p.scopePath}`);
    const cols = [
      `${intLit(p.planId)} AS plan_id`,
      `${intLit(p.year)} AS year`,
      `${intLit(p.scopeUnitId)} AS scope_unit_id`,
      `CAST('${p.scopePath}' AS CHAR(255) CHARACTER SET ascii) COLLATE ascii_bin AS scope_path`,
      `${dateLit(p.asOf)} AS as_of`,
      `${dateLit(`${p.year - 1}-12-31`)} AS start_date`,
    ];
    for (const d of [1, 2, 3]) {
      const s = setAt(p, d);
      cols.push(`${intLit(s?.id ?? null)} AS set${d}`, `${intLit(s?.count ?? null)} AS n${d}`);
    }
    return `SELECT ${cols.join(", ")}`;
  });
  return `(${rows.join(" UNION ALL ")})`;
}

/** The depth of the scope shared by every plan of a batch. */
export function scopeDepthOf(plans: readonly RollupParams[]): number {
  const depth = plans[0].scopeDepth;
  if (plans.some((p) => p.scopeDepth !== depth)) {
    throw new Error("plans of one roll-up batch must have scopes of the same depth");
  }
  return depth;
}

/** Groups plans into batches of scopes of the same depth (in practice one: the provinces). */
export function byScopeDepth(plans: readonly RollupParams[]): RollupParams[][] {
  const groups = new Map<number, RollupParams[]>();
  for (const p of plans) groups.set(p.scopeDepth, [...(groups.get(p.scopeDepth) ?? []), p]);
  return [...groups.keys()].sort((a, b) => a - b).map((d) => groups.get(d)!);
}

/**
 * The id of the ancestor of unit `u` at depth `k` (or u itself), read from its materialised path;
 * NULL for a unit above depth `k`, whose path has no id there (casting the empty string instead
 * is a warning, which an INSERT … SELECT in strict mode turns into an error: the funding
 * statements of a district's plan reach the province above it).
 */
function ancestorAt(k: number): string {
  return `CAST(NULLIF(SUBSTRING_INDEX(SUBSTRING_INDEX(u.path, '/', ${k + 2}), '/', -1), '') AS UNSIGNED)`;
}

/**
 * Unit `u` lies in plan `pp`'s scope and is valid on its as-of date. The scope is matched by id
 * on the path (the scope's id sits at the same place in the path of every unit below it), an
 * equality MariaDB joins by key, where a path range per plan cost a comparison per unit and plan.
 */
export function unitInPlan(scopeDepth: number): string {
  return `pp.scope_unit_id = ${ancestorAt(scopeDepth)} AND u.depth >= ${scopeDepth}
  AND (u.valid_from IS NULL OR u.valid_from <= pp.as_of) AND (u.valid_to IS NULL OR u.valid_to >= pp.as_of)`;
}
