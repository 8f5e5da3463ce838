/**
 * The roll-up's SQL: one set-based INSERT … SELECT … GROUP BY per level of the administrative
 * tree, deepest first, each level reading the rows the level below just wrote. The full rebuild
 * runs them over every unit of the plan; the incremental roll-up runs the very same statements
 * restricted to a unit and its ancestors (`only`), so both give the same rows by construction.
 *
 * What counts (documented in README "Progress roll-up and dashboard"):
 * - criteria met: assessments of the plan year with met = true, whatever their stage (the row is
 *   the latest word on that criterion: self, district-checked or province-appraised); the baseline
 *   is the same count for the previous year. The set is the one of the unit's kind in force that year.
 * - level: recognitions are authoritative. One counts now when its standard year is ≤ the plan
 *   year (or, without a year, it was decided by the as-of date or undated) and it is not revoked
 *   by today; it counted at the start when the same held on 31/12 of the previous year.
 * - units: those under the plan's scope valid on the as-of date, with the type they had then.
 * - tasks: assignments of the plan's tasks (lead and cooperating, cancelled ones left out), by the
 *   unit of the assigned organization, classed as src/workflow/timeliness.ts does on today.
 */
import type { EntityManager } from "typeorm";
import { addDays, addWorkingDays, type CalendarExceptions } from "../calendar/working-days";
import { DUE_SOON_WORKING_DAYS } from "../workflow/timeliness";

export interface RollupParams {
  planId: number;
  year: number;
  scopeUnitId: number;
  scopePath: string;
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

/** Reads the plan and the criteria sets in force for its year; null when the plan does not exist. */
export async function loadRollupParams(
  m: EntityManager,
  planId: number,
  today: string,
  calendar: CalendarExceptions,
): Promise<RollupParams | null> {
  const [plan] = (await m.query(
    `SELECT p.id, p.year, p.scope_unit_id, u.path FROM plan p JOIN admin_unit u ON u.id = p.scope_unit_id WHERE p.id = ?`,
    [planId],
  )) as Raw[];
  if (!plan) return null;
  const year = Number(plan.year);
  const sets = (await m.query(
    `SELECT id, kind, criteria_count FROM criteria_set
     WHERE period_start_year <= ? AND (period_end_year IS NULL OR period_end_year >= ?)
     ORDER BY period_start_year DESC, id DESC`,
    [year, year],
  )) as Raw[];
  const pick = (kind: string): CriteriaSetRef | null => {
    const s = sets.find((r) => r.kind === kind);
    return s ? { id: Number(s.id), count: Number(s.criteria_count) } : null;
  };
  const yearEnd = `${year}-12-31`;
  return {
    planId,
    year,
    scopeUnitId: Number(plan.scope_unit_id),
    scopePath: String(plan.path),
    asOf: today < yearEnd ? today : yearEnd,
    today,
    dueSoonLimit: lastDueSoonDay(today, calendar),
    sets: { commune: pick("commune"), village: pick("village"), district: pick("district") },
  };
}

/** The last deadline that is still "due soon" today: at most 3 working days left. */
export function lastDueSoonDay(today: string, calendar: CalendarExceptions): string {
  // The day before the 4th working day after today.
  return addDays(addWorkingDays(today, DUE_SOON_WORKING_DAYS + 1, calendar), -1);
}

const COUNTERS = [
  "communes_ntm",
  "communes_ntm_start",
  "communes_advanced_ntm",
  "communes_advanced_ntm_start",
  "xa_count",
  "xa_criteria_sum",
  "communes_gained",
  "villages_ntm",
  "villages_ntm_start",
  "districts_completed",
] as const;
export const TASK_COUNTERS = [
  "assignments_total",
  "assignments_done",
  "in_term",
  "due_soon",
  "overdue",
  "done_on_time",
  "done_late",
  "no_deadline",
] as const;

const UNIT_COLUMNS = [
  "plan_id",
  "unit_id",
  "parent_id",
  "depth",
  "unit_type",
  "path",
  "code",
  "name",
  "as_of",
  "criteria_met",
  "criteria_met_start",
  "criteria_total",
  "criteria_flags",
  "level_reached",
  ...COUNTERS,
  ...TASK_COUNTERS,
  "computed_at",
];

function inList(ids: readonly number[]): string {
  return ids.map((id) => Number(id).toFixed(0)).join(",");
}

/** A unit valid on the as-of date, under the plan's scope. */
const VALID_UNIT = `u.path LIKE CONCAT(:scopePath, '%') AND (u.valid_from IS NULL OR u.valid_from <= :asOf) AND (u.valid_to IS NULL OR u.valid_to >= :asOf)`;

/** Recognitions held now / at the start of the year (see the header). */
const HELD_NOW = `(r.standard_year <= :year OR (r.standard_year IS NULL AND (r.decided_on IS NULL OR r.decided_on <= :asOf))) AND (r.revoked_on IS NULL OR r.revoked_on > :today)`;
const HELD_START = `(r.standard_year <= :year - 1 OR (r.standard_year IS NULL AND (r.decided_on IS NULL OR r.decided_on <= :startDate))) AND (r.revoked_on IS NULL OR r.revoked_on > :startDate)`;

/** Timeliness class of assignment `a` on :today (src/workflow/timeliness.ts, in SQL). */
export const TIMELINESS_SQL = `CASE
  WHEN a.status = 'approved' THEN (CASE WHEN a.due_date IS NULL OR (a.completed_on IS NOT NULL AND a.completed_on <= a.due_date) THEN 'done_on_time' ELSE 'done_late' END)
  WHEN a.due_date IS NULL THEN 'no_deadline'
  WHEN :today > a.due_date THEN 'overdue'
  WHEN a.due_date <= :dueSoonLimit THEN 'due_soon'
  ELSE 'in_term' END`;

/** The plan's non-cancelled assignments with their timeliness class on :today. */
const CLASSED_ASSIGNMENTS = `SELECT a.status, a.org_id, ${TIMELINESS_SQL} AS cls FROM assignment a JOIN task t ON t.id = a.task_id
          WHERE t.plan_id = :planId AND a.status <> 'cancelled'`;

const TASK_SUMS = `COUNT(*) AS assignments_total, SUM(a.status = 'approved') AS assignments_done,
      SUM(cls = 'in_term') AS in_term, SUM(cls = 'due_soon') AS due_soon, SUM(cls = 'overdue') AS overdue,
      SUM(cls = 'done_on_time') AS done_on_time, SUM(cls = 'done_late') AS done_late, SUM(cls = 'no_deadline') AS no_deadline`;

/**
 * The full rebuild's task counters per organization, computed once per plan (one pass over its
 * assignments) and read by every level and by progress_org, instead of one pass each.
 */
const ORG_TASKS = "rollup_org_tasks";

/** Task counters grouped by `key` (o.unit_id or o.id) over the plan's non-cancelled assignments. */
function taskCountsSql(key: string, filter: string): string {
  return `SELECT ${key} AS k, ${TASK_SUMS}
    FROM (${CLASSED_ASSIGNMENTS}) a
    JOIN organization o ON o.id = a.org_id
    WHERE 1 = 1 ${filter}
    GROUP BY ${key}`;
}

/** Per unit, the same counters summed from the per-organization table of the full rebuild. */
function unitTasksFromOrgsSql(): string {
  return `SELECT unit_id AS k, ${TASK_COUNTERS.map((c) => `SUM(${c}) AS ${c}`).join(", ")}
    FROM ${ORG_TASKS} GROUP BY unit_id`;
}

/** Per criterion flags, '1' / '0' / '-', for criteria 1..n of the set. */
function flagsSql(n: number): string {
  if (n === 0) return "NULL";
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    parts.push(`COALESCE(MAX(CASE WHEN c.no = ${i} AND a.year = :year THEN IF(a.met, '1', '0') END), '-')`);
  }
  return `CONCAT(${parts.join(", ")})`;
}

/** The statement that (re)computes every unit of one depth, or only the listed ones. */
function levelSql(depth: number, p: RollupParams, only: readonly number[] | null): string {
  const set =
    depth === 1 ? p.sets.district : depth === 2 ? p.sets.commune : depth === 3 ? p.sets.village : null;
  const onlyU = only ? `AND u.id IN (${inList(only)})` : "";
  const assessments = set
    ? `LEFT JOIN (SELECT a.unit_id, SUM(a.year = :year AND a.met) AS met, SUM(a.year = :year - 1 AND a.met) AS met_start,
          ${flagsSql(set.count)} AS flags
        FROM assessment a JOIN criterion c ON c.id = a.criterion_id AND c.set_id = ${set.id}
        ${only ? "" : `JOIN admin_unit au ON au.id = a.unit_id AND au.depth = ${depth} AND au.path LIKE CONCAT(:scopePath, '%')`}
        WHERE a.year IN (:year, :year - 1) ${only ? `AND a.unit_id IN (${inList(only)})` : ""}
        GROUP BY a.unit_id) asm ON asm.unit_id = u.id`
    : "";
  const recognitions = `LEFT JOIN (SELECT r.unit_id,
        MAX(${HELD_NOW} AND r.level IN ('ntm', 'advanced_ntm', 'model_ntm')) AS ntm,
        MAX(${HELD_START} AND r.level IN ('ntm', 'advanced_ntm', 'model_ntm')) AS ntm_start,
        MAX(${HELD_NOW} AND r.level IN ('advanced_ntm', 'model_ntm')) AS adv,
        MAX(${HELD_START} AND r.level IN ('advanced_ntm', 'model_ntm')) AS adv_start,
        MAX(${HELD_NOW} AND r.level = 'model_ntm') AS model,
        MAX(${HELD_NOW} AND r.level = 'village_ntm') AS village,
        MAX(${HELD_START} AND r.level = 'village_ntm') AS village_start,
        MAX(${HELD_NOW} AND r.level = 'district_ntm') AS district_ntm,
        MAX(${HELD_NOW} AND r.level = 'district_completion') AS completion
      FROM recognition r
      ${only ? "" : `JOIN admin_unit au ON au.id = r.unit_id AND au.depth = ${depth} AND au.path LIKE CONCAT(:scopePath, '%')`}
      WHERE 1 = 1 ${only ? `AND r.unit_id IN (${inList(only)})` : ""}
      GROUP BY r.unit_id) rec ON rec.unit_id = u.id`;
  const children =
    depth < 3
      ? `LEFT JOIN (SELECT parent_id, ${[...COUNTERS, ...TASK_COUNTERS].map((c) => `SUM(${c}) AS ${c}`).join(", ")}
          FROM progress_unit WHERE plan_id = :planId AND depth = ${depth + 1}
          ${only ? `AND parent_id IN (${inList(only)})` : ""} GROUP BY parent_id) ch ON ch.parent_id = u.id`
      : "";
  const tasks = `LEFT JOIN (${only ? taskCountsSql("o.unit_id", `AND o.unit_id IN (${inList(only)})`) : unitTasksFromOrgsSql()}) tk ON tk.k = u.id`;
  const ch = (c: string) => (depth < 3 ? `COALESCE(ch.${c}, 0)` : "0");
  const own = (cond: string) => `(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const isCommune = depth === 2;
  const met = set ? "COALESCE(asm.met, 0)" : "NULL";
  const metStart = set ? "COALESCE(asm.met_start, 0)" : "NULL";
  const level =
    depth === 1
      ? "CASE WHEN rec.completion THEN 'district_completion' WHEN rec.district_ntm THEN 'district_ntm' END"
      : depth === 2
        ? "CASE WHEN rec.model THEN 'model_ntm' WHEN rec.adv THEN 'advanced_ntm' WHEN rec.ntm THEN 'ntm' END"
        : depth === 3
          ? "CASE WHEN rec.village THEN 'village_ntm' END"
          : "NULL";
  const values: Record<string, string> = {
    communes_ntm: isCommune ? `${own("rec.ntm")} + ${ch("communes_ntm")}` : ch("communes_ntm"),
    communes_ntm_start: isCommune
      ? `${own("rec.ntm_start")} + ${ch("communes_ntm_start")}`
      : ch("communes_ntm_start"),
    communes_advanced_ntm: isCommune
      ? `${own("rec.adv")} + ${ch("communes_advanced_ntm")}`
      : ch("communes_advanced_ntm"),
    communes_advanced_ntm_start: isCommune
      ? `${own("rec.adv_start")} + ${ch("communes_advanced_ntm_start")}`
      : ch("communes_advanced_ntm_start"),
    xa_count: isCommune ? `${own("u.type = 'xa'")} + ${ch("xa_count")}` : ch("xa_count"),
    xa_criteria_sum: isCommune
      ? `IF(u.type = 'xa', ${met}, 0) + ${ch("xa_criteria_sum")}`
      : ch("xa_criteria_sum"),
    communes_gained: isCommune
      ? `${own(`u.type = 'xa' AND ${met} > ${metStart}`)} + ${ch("communes_gained")}`
      : ch("communes_gained"),
    villages_ntm: depth === 3 ? own("rec.village") : ch("villages_ntm"),
    villages_ntm_start: depth === 3 ? own("rec.village_start") : ch("villages_ntm_start"),
    districts_completed:
      depth === 1 ? `${own("rec.completion")} + ${ch("districts_completed")}` : ch("districts_completed"),
  };
  for (const c of TASK_COUNTERS) values[c] = `COALESCE(tk.${c}, 0) + ${ch(c)}`;
  const select = [
    ":planId",
    "u.id",
    "u.parent_id",
    "u.depth",
    "u.type",
    "u.path",
    "u.code",
    "u.name",
    ":asOf",
    met,
    metStart,
    set ? String(set.count) : "NULL",
    set ? "COALESCE(asm.flags, REPEAT('-', " + set.count + "))" : "NULL",
    level,
    ...COUNTERS.map((c) => values[c]),
    ...TASK_COUNTERS.map((c) => values[c]),
    "CURRENT_TIMESTAMP(3)",
  ];
  return `INSERT INTO progress_unit (${UNIT_COLUMNS.join(", ")})
    SELECT ${select.join(",\n ")}
    FROM admin_unit u ${assessments} ${recognitions} ${children} ${tasks}
    WHERE ${VALID_UNIT} AND u.depth = ${depth} ${onlyU}
    ON DUPLICATE KEY UPDATE ${UNIT_COLUMNS.slice(2)
      .map((c) => `${c} = VALUES(${c})`)
      .join(", ")}`;
}

function orgSql(only: readonly number[] | null): string {
  const source = only
    ? `(${taskCountsSql("o.id", `AND o.unit_id IN (${inList(only)})`)})`
    : `(SELECT org_id AS k, ${TASK_COUNTERS.join(", ")} FROM ${ORG_TASKS})`;
  return `INSERT INTO progress_org (plan_id, org_id, unit_id, ${TASK_COUNTERS.join(", ")}, computed_at)
    SELECT :planId, tk.k, o.unit_id, ${TASK_COUNTERS.map((c) => `tk.${c}`).join(", ")}, CURRENT_TIMESTAMP(3)
    FROM ${source} tk
    JOIN organization o ON o.id = tk.k JOIN admin_unit u ON u.id = o.unit_id
    WHERE ${VALID_UNIT}`;
}

function fundingSql(only: readonly number[] | null): string {
  return `INSERT INTO progress_funding (plan_id, unit_id, source, allocated_vnd, inexact_count, allocations)
    SELECT :planId, u.id, f.source, COALESCE(SUM(f.amount_vnd), 0), SUM(f.amount_qualifier <> 'exact' OR f.amount_vnd IS NULL), COUNT(*)
    FROM funding_allocation f
    JOIN admin_unit rcp ON rcp.id = COALESCE(f.recipient_unit_id, :scopeUnitId)
    JOIN admin_unit u ON rcp.path LIKE CONCAT(u.path, '%')
    WHERE f.plan_id = :planId AND ${VALID_UNIT} ${only ? `AND u.id IN (${inList(only)})` : ""}
    GROUP BY u.id, f.source`;
}

/** Binds :name parameters (positional for mysql2). */
function bind(sql: string, p: RollupParams): [string, unknown[]] {
  const values: Record<string, unknown> = {
    planId: p.planId,
    year: p.year,
    scopeUnitId: p.scopeUnitId,
    scopePath: p.scopePath,
    asOf: p.asOf,
    today: p.today,
    dueSoonLimit: p.dueSoonLimit,
    startDate: `${p.year - 1}-12-31`,
  };
  const args: unknown[] = [];
  const text = sql.replace(/:([a-zA-Z]+)/g, (whole, name: string) => {
    if (!(name in values)) return whole;
    args.push(values[name]);
    return "?";
  });
  return [text, args];
}

async function run(m: EntityManager, sql: string, p: RollupParams): Promise<void> {
  const [text, args] = bind(sql, p);
  await m.query(text, args);
}

/** Full rebuild of one plan: every table, every level, deepest first. Run it in a transaction. */
export async function rebuildPlan(m: EntityManager, p: RollupParams): Promise<void> {
  // A temporary table lives on the connection: `m` is the transaction's single connection.
  await m.query(`DROP TEMPORARY TABLE IF EXISTS ${ORG_TASKS}`);
  await run(
    m,
    `CREATE TEMPORARY TABLE ${ORG_TASKS} (PRIMARY KEY (org_id)) ENGINE = MEMORY
     SELECT o.id AS org_id, o.unit_id, ${TASK_SUMS}
     FROM (${CLASSED_ASSIGNMENTS}) a JOIN organization o ON o.id = a.org_id
     GROUP BY o.id, o.unit_id`,
    p,
  );
  await m.query("DELETE FROM progress_unit WHERE plan_id = ?", [p.planId]);
  for (const depth of [3, 2, 1, 0]) await run(m, levelSql(depth, p, null), p);
  await m.query("DELETE FROM progress_org WHERE plan_id = ?", [p.planId]);
  await run(m, orgSql(null), p);
  await m.query(`DROP TEMPORARY TABLE IF EXISTS ${ORG_TASKS}`);
  await m.query("DELETE FROM progress_funding WHERE plan_id = ?", [p.planId]);
  await run(m, fundingSql(null), p);
}

/**
 * Recomputes the units of one ancestor chain (`chain`: root first, as in a materialised path),
 * deepest first: one statement per level, each touching one row. Statements run on their own
 * (autocommit), so each reads the latest committed rows below it.
 */
export async function rollUpChain(
  m: EntityManager,
  p: RollupParams,
  chain: readonly number[],
): Promise<void> {
  const rows = (await m.query(
    `SELECT u.id, u.depth FROM admin_unit u WHERE u.id IN (${inList(chain)})`,
  )) as Raw[];
  const byDepth = new Map<number, number[]>();
  for (const r of rows) {
    const d = Number(r.depth);
    byDepth.set(d, [...(byDepth.get(d) ?? []), Number(r.id)]);
  }
  for (const depth of [3, 2, 1, 0]) {
    const ids = byDepth.get(depth);
    if (!ids) continue;
    await run(m, levelSql(depth, p, ids), p);
    // A unit no longer valid on the as-of date (or moved out of scope) loses its row.
    const [text, args] = bind(
      `DELETE pu FROM progress_unit pu JOIN admin_unit u ON u.id = pu.unit_id
       WHERE pu.plan_id = :planId AND pu.unit_id IN (${inList(ids)}) AND NOT (${VALID_UNIT})`,
      p,
    );
    await m.query(text, args);
  }
  await m.query(`DELETE FROM progress_org WHERE plan_id = ? AND unit_id IN (${inList(chain)})`, [p.planId]);
  await run(m, orgSql(chain), p);
  await m.query(`DELETE FROM progress_funding WHERE plan_id = ? AND unit_id IN (${inList(chain)})`, [
    p.planId,
  ]);
  await run(m, fundingSql(chain), p);
}

/** Copies today's figures (province, districts, communes) into the snapshot table. */
export async function writeSnapshot(m: EntityManager, planId: number, date: string): Promise<void> {
  const cols = UNIT_COLUMNS.filter((c) => c !== "computed_at");
  await m.query(
    `INSERT INTO progress_snapshot (snapshot_date, ${cols.join(", ")})
     SELECT ?, ${cols.join(", ")} FROM progress_unit WHERE plan_id = ? AND depth <= 2
     ON DUPLICATE KEY UPDATE ${cols
       .slice(2)
       .map((c) => `${c} = VALUES(${c})`)
       .join(", ")}`,
    [date, planId],
  );
}
