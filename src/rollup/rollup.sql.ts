/**
 * The roll-up's SQL: one set-based INSERT … SELECT … GROUP BY per level of the administrative
 * tree, deepest first, each level reading the rows the level below just wrote. Every statement
 * covers a batch of plans at once (the derived table `pp` of rollup-plans.ts): the full rebuild
 * runs them over every unit of every plan of the batch; the incremental roll-up runs the very same
 * statements restricted to a few units and their ancestors (`only`), so both give the same rows by
 * construction.
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
 * - funding: allocations and disbursements of the plan by source, summed over the subtree of the
 *   recipient unit's ancestors (the plan's scope when there is no recipient), whatever their dates.
 * - indicators (progress_indicator, districts and the province): per indicator of the commune set,
 *   the xã that recorded a value for it in their assessments of the plan year (the same rows as
 *   criteria met) and that met it (phường and thị trấn left out, as in the xã average).
 */
import type { EntityManager } from "typeorm";
import {
  byScopeDepth,
  dateLit,
  idList,
  plansTable,
  type RollupParams,
  scopeDepthOf,
  setAt,
  unitInPlan,
} from "./rollup-plans";

export { type CriteriaSetRef, loadRollupParams, loadRollupParamsOf, type RollupParams } from "./rollup-plans";

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

/**
 * What one statement covers: a batch of plans (sharing today and the depth of their scope), every
 * unit or only some.
 */
export interface RollupScope {
  plans: readonly RollupParams[];
  /** Units to recompute (with the plans whose scope holds them); null: every unit. */
  only: readonly number[] | null;
}

/** The batch's today and last due-soon day (the same for every plan of a batch). */
function dayOf(s: RollupScope): { today: string; dueSoonLimit: string } {
  const { today, dueSoonLimit } = s.plans[0];
  if (s.plans.some((p) => p.today !== today || p.dueSoonLimit !== dueSoonLimit)) {
    throw new Error("plans of one roll-up batch must share today");
  }
  return { today, dueSoonLimit };
}

/** Unit `u` lies in plan `pp`'s scope and is valid on its as-of date. */
function inPlan(s: RollupScope): string {
  return unitInPlan(scopeDepthOf(s.plans));
}

/**
 * Task counters of assignments `a` (cancelled ones already left out), as the timeliness classes of
 * src/workflow/timeliness.ts on today: a sum of conditions that are never NULL per class.
 */
function taskSums(s: RollupScope): string {
  const { today, dueSoonLimit } = dayOf(s);
  const done = "a.status = 'approved'";
  const running = "a.status <> 'approved'";
  const onTime = "(a.due_date IS NULL OR (a.completed_on IS NOT NULL AND a.completed_on <= a.due_date))";
  const due = "a.due_date IS NOT NULL AND a.due_date";
  return `COUNT(*) AS assignments_total, SUM(${done}) AS assignments_done,
      SUM(${running} AND ${due} >= ${dateLit(today)} AND a.due_date > ${dateLit(dueSoonLimit)}) AS in_term,
      SUM(${running} AND ${due} >= ${dateLit(today)} AND a.due_date <= ${dateLit(dueSoonLimit)}) AS due_soon,
      SUM(${running} AND ${due} < ${dateLit(today)}) AS overdue,
      SUM(${done} AND ${onTime}) AS done_on_time, SUM(${done} AND NOT ${onTime}) AS done_late,
      SUM(${running} AND a.due_date IS NULL) AS no_deadline`;
}

/**
 * The full rebuild's task counters per plan and organization, computed once per batch (one pass
 * over the assignment index ix_assignment_plan_org) and read by every level and by progress_org.
 */
const ORG_TASKS = "rollup_org_tasks";

function orgTasksTableSql(s: RollupScope): string[] {
  // Grouped straight off the index (a derived table joined to organization here was grouped
  // through a temporary table instead); the organizations' units are filled in afterwards.
  return [
    `CREATE TEMPORARY TABLE ${ORG_TASKS} (PRIMARY KEY (plan_id, org_id), KEY (plan_id, unit_id)) ENGINE = MEMORY
      SELECT a.plan_id, a.org_id, CAST(0 AS UNSIGNED) AS unit_id, ${taskSums(s)}
      FROM assignment a
      WHERE a.plan_id IN (${idList(s.plans.map((p) => p.planId))}) AND a.status <> 'cancelled'
      GROUP BY a.plan_id, a.org_id`,
    `UPDATE ${ORG_TASKS} t JOIN organization o ON o.id = t.org_id SET t.unit_id = o.unit_id`,
  ];
}

/** Task counters per plan and unit (`k`): from the batch's table, or counted for `only`'s organizations. */
function unitTasksSql(s: RollupScope): string {
  if (!s.only) {
    return `SELECT plan_id, unit_id AS k, ${TASK_COUNTERS.map((c) => `SUM(${c}) AS ${c}`).join(", ")}
      FROM ${ORG_TASKS} GROUP BY plan_id, unit_id`;
  }
  return `SELECT a.plan_id, o.unit_id AS k, ${taskSums(s)}
    FROM organization o JOIN assignment a ON a.org_id = o.id
    WHERE o.unit_id IN (${idList(s.only)}) AND a.plan_id IN (${idList(s.plans.map((p) => p.planId))})
      AND a.status <> 'cancelled'
    GROUP BY a.plan_id, o.unit_id`;
}

/** A tiny derived table of the distinct values of some plan columns in the batch. */
function distinctOf(rows: ReadonlyArray<Record<string, string>>): string {
  const seen = new Map<string, Record<string, string>>();
  for (const r of rows) seen.set(JSON.stringify(r), r);
  return `(${[...seen.values()]
    .map(
      (r) =>
        `SELECT ${Object.entries(r)
          .map(([k, v]) => `${v} AS ${k}`)
          .join(", ")}`,
    )
    .join(" UNION ALL ")})`;
}

/**
 * Assessment figures per unit for each (year, criteria set) of the batch at one depth: criteria
 * met this year and last, and two bit masks (criterion n is bit n-1) of the criteria assessed and
 * met this year, from which the flags string is made per unit rather than per assessment.
 */
function assessmentsSql(depth: number, s: RollupScope): string | null {
  const keys = s.plans.flatMap((p) => {
    const set = setAt(p, depth);
    return set ? [{ year: String(p.year), set_id: String(set.id) }] : [];
  });
  if (keys.length === 0) return null;
  return `SELECT y.year, y.set_id, a.unit_id,
      SUM(a.year = y.year AND a.met) AS met, SUM(a.year = y.year - 1 AND a.met) AS met_start,
      BIT_OR(IF(a.year = y.year, 1 << (c.no - 1), 0)) AS seen, BIT_OR(IF(a.year = y.year AND a.met, 1 << (c.no - 1), 0)) AS hit
    FROM ${distinctOf(keys)} y
    JOIN criterion c ON c.set_id = y.set_id
    JOIN assessment a ON a.criterion_id = c.id AND a.year IN (y.year, y.year - 1)
      ${s.only ? `AND a.unit_id IN (${idList(s.only)})` : ""}
    GROUP BY y.year, y.set_id, a.unit_id`;
}

/** Recognitions held now / at the start of the year by plan year `y` (see the header). */
const HELD_NOW = (today: string) =>
  `(r.standard_year <= y.year OR (r.standard_year IS NULL AND (r.decided_on IS NULL OR r.decided_on <= y.as_of))) AND (r.revoked_on IS NULL OR r.revoked_on > ${dateLit(today)})`;
const HELD_START = `(r.standard_year <= y.year - 1 OR (r.standard_year IS NULL AND (r.decided_on IS NULL OR r.decided_on <= y.start_date))) AND (r.revoked_on IS NULL OR r.revoked_on > y.start_date)`;

/** The recognition levels each depth reads, and the flags it makes of them. */
function recognitionsSql(depth: number, s: RollupScope): string | null {
  const now = HELD_NOW(dayOf(s).today);
  const flags: Record<number, Array<[string, string, string]>> = {
    1: [
      ["district_ntm", now, "'district_ntm'"],
      ["completion", now, "'district_completion'"],
    ],
    2: [
      ["ntm", now, "'ntm', 'advanced_ntm', 'model_ntm'"],
      ["ntm_start", HELD_START, "'ntm', 'advanced_ntm', 'model_ntm'"],
      ["adv", now, "'advanced_ntm', 'model_ntm'"],
      ["adv_start", HELD_START, "'advanced_ntm', 'model_ntm'"],
      ["model", now, "'model_ntm'"],
    ],
    3: [
      ["village", now, "'village_ntm'"],
      ["village_start", HELD_START, "'village_ntm'"],
    ],
  };
  const mine = flags[depth];
  if (!mine) return null;
  const levels = [...new Set(mine.flatMap(([, , l]) => l.split(", ")))];
  const keys = s.plans.map((p) => ({
    year: String(p.year),
    as_of: dateLit(p.asOf),
    start_date: dateLit(`${p.year - 1}-12-31`),
  }));
  return `SELECT y.year, TO_DAYS(y.as_of) AS as_of_day, r.unit_id,
      ${mine.map(([name, held, l]) => `MAX(${held} AND r.level IN (${l})) AS ${name}`).join(",\n      ")}
    FROM ${distinctOf(keys)} y
    JOIN recognition r ON r.level IN (${levels.join(", ")}) ${s.only ? `AND r.unit_id IN (${idList(s.only)})` : ""}
    GROUP BY y.year, y.as_of, r.unit_id`;
}

/**
 * A derived table's column matched to a plan column in a join. MariaDB keys a derived table on
 * the columns of the join's equalities; with the plan's columns among them it keyed on those alone
 * (one value for a whole batch) and scanned every row per unit: 82 s instead of 0.1 s for the
 * villages of 63 plans. Compared through an expression, they stay out of the key, which is then
 * the unit id alone.
 */
function byPlan(derivedColumn: string, planColumn: string): string {
  return `${derivedColumn} + 0 = ${planColumn}`;
}

/** The statement that (re)computes every unit of one depth of the batch's plans, or only some. */
function levelSql(depth: number, s: RollupScope): string {
  const maxN = Math.max(0, ...s.plans.map((p) => setAt(p, depth)?.count ?? 0));
  const hasSet = maxN > 0;
  const asm = assessmentsSql(depth, s);
  const rec = recognitionsSql(depth, s);
  const ids = idList(s.plans.map((p) => p.planId));
  const assessments = asm
    ? `LEFT JOIN (${asm}) asm ON asm.unit_id = u.id AND ${byPlan("asm.year", "pp.year")} AND ${byPlan("asm.set_id", `pp.set${depth}`)}`
    : "";
  const recognitions = rec
    ? `LEFT JOIN (${rec}) rec ON rec.unit_id = u.id AND ${byPlan("rec.year", "pp.year")} AND ${byPlan("rec.as_of_day", "TO_DAYS(pp.as_of)")}`
    : "";
  const children =
    depth < 3
      ? `LEFT JOIN (SELECT plan_id, parent_id, ${[...COUNTERS, ...TASK_COUNTERS].map((c) => `SUM(${c}) AS ${c}`).join(", ")}
          FROM progress_unit WHERE plan_id IN (${ids}) AND depth = ${depth + 1}
          ${s.only ? `AND parent_id IN (${idList(s.only)})` : ""} GROUP BY plan_id, parent_id) ch
          ON ch.parent_id = u.id AND ${byPlan("ch.plan_id", "pp.plan_id")}`
      : "";
  const tasks = `LEFT JOIN (${unitTasksSql(s)}) tk ON tk.k = u.id AND ${byPlan("tk.plan_id", "pp.plan_id")}`;
  const ch = (c: string) => (depth < 3 ? `COALESCE(ch.${c}, 0)` : "0");
  const own = (cond: string) => `(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const isCommune = depth === 2;
  const setCol = `pp.set${depth}`;
  const met = hasSet ? `IF(${setCol} IS NULL, NULL, COALESCE(asm.met, 0))` : "NULL";
  const metStart = hasSet ? `IF(${setCol} IS NULL, NULL, COALESCE(asm.met_start, 0))` : "NULL";
  const flags = hasSet
    ? `IF(${setCol} IS NULL, NULL, LEFT(CONCAT(${Array.from({ length: Math.min(maxN, 64) }, (_, i) => {
        const bit = (1n << BigInt(i)).toString();
        return `IF(COALESCE(asm.seen, 0) & ${bit}, IF(asm.hit & ${bit}, '1', '0'), '-')`;
      }).join(", ")}), pp.n${depth}))`
    : "NULL";
  const level =
    depth === 1
      ? "CASE WHEN rec.completion THEN 'district_completion' WHEN rec.district_ntm THEN 'district_ntm' END"
      : depth === 2
        ? "CASE WHEN rec.model THEN 'model_ntm' WHEN rec.adv THEN 'advanced_ntm' WHEN rec.ntm THEN 'ntm' END"
        : depth === 3
          ? "CASE WHEN rec.village THEN 'village_ntm' END"
          : "NULL";
  // The xã average counts met criteria only where the unit has a set (NULL counts 0, as before).
  const metOrZero = hasSet ? `COALESCE(${met}, 0)` : "0";
  const metStartOrZero = hasSet ? `COALESCE(${metStart}, 0)` : "0";
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
      ? `IF(u.type = 'xa', ${metOrZero}, 0) + ${ch("xa_criteria_sum")}`
      : ch("xa_criteria_sum"),
    communes_gained: isCommune
      ? `${own(`u.type = 'xa' AND ${metOrZero} > ${metStartOrZero}`)} + ${ch("communes_gained")}`
      : ch("communes_gained"),
    villages_ntm: depth === 3 ? own("rec.village") : ch("villages_ntm"),
    villages_ntm_start: depth === 3 ? own("rec.village_start") : ch("villages_ntm_start"),
    districts_completed:
      depth === 1 ? `${own("rec.completion")} + ${ch("districts_completed")}` : ch("districts_completed"),
  };
  for (const c of TASK_COUNTERS) values[c] = `COALESCE(tk.${c}, 0) + ${ch(c)}`;
  const select = [
    "pp.plan_id",
    "u.id",
    "u.parent_id",
    "u.depth",
    "u.type",
    "u.path",
    "u.code",
    "u.name",
    "pp.as_of",
    met,
    metStart,
    hasSet ? `pp.n${depth}` : "NULL",
    flags,
    level,
    ...COUNTERS.map((c) => values[c]),
    ...TASK_COUNTERS.map((c) => values[c]),
    "CURRENT_TIMESTAMP(3)",
  ];
  return `INSERT INTO progress_unit (${UNIT_COLUMNS.join(", ")})
    SELECT ${select.join(",\n ")}
    FROM admin_unit u JOIN ${plansTable(s.plans)} pp ON ${inPlan(s)}
    ${assessments} ${recognitions} ${children} ${tasks}
    WHERE u.depth = ${depth} ${s.only ? `AND u.id IN (${idList(s.only)})` : ""}
    ON DUPLICATE KEY UPDATE ${UNIT_COLUMNS.slice(2)
      .map((c) => `${c} = VALUES(${c})`)
      .join(", ")}`;
}

const INDICATOR_COLUMNS = [
  "plan_id",
  "unit_id",
  "indicator_id",
  "parent_id",
  "depth",
  "xa_assessed",
  "xa_met",
  "computed_at",
];

/**
 * The district rows of progress_indicator, summed straight from the communes' values: for each
 * indicator of the commune set, the xã of the district (in the plan, valid on its as-of date) whose
 * assessment of the plan year (whatever its stage, as criteria met are counted) holds a value for
 * it, and those whose value says met; phường and thị trấn are left out, as in the xã average. Only
 * indicators at least one xã gave a value for get a row.
 *
 * A commune's own values are not copied into the table: they are its records, which the dashboard
 * reads as they are (progress.loaders.ts). Copying them meant some 455,000 rows at national scale
 * (10,400 communes, 44 indicators), 5 s of every full rebuild to write or compare; summing them
 * reads the values through a covering index (ix_indicator_value_met) in 0.6 s. The communes drive
 * the join (STRAIGHT_JOIN): left to itself, the optimizer started from the criteria and read every
 * assessment of the year once per plan of the batch (13 s for 63 plans).
 */
function districtIndicatorsSql(s: RollupScope): string {
  const pp = plansTable(s.plans);
  return `INSERT INTO progress_indicator (${INDICATOR_COLUMNS.join(", ")})
    SELECT pp.plan_id, u.id, ch.indicator_id, u.parent_id, u.depth, ch.xa_assessed, ch.xa_met, CURRENT_TIMESTAMP(3)
    FROM (SELECT STRAIGHT_JOIN pp.plan_id, u.parent_id, iv.indicator_id,
          SUM(u.type = 'xa') AS xa_assessed, SUM(u.type = 'xa' AND iv.met IS TRUE) AS xa_met
        FROM admin_unit u JOIN ${pp} pp ON ${inPlan(s)}
        JOIN assessment a ON a.unit_id = u.id AND a.year = pp.year
        JOIN criterion c ON c.id = a.criterion_id AND c.set_id = pp.set2
        JOIN assessment_indicator iv FORCE INDEX (ix_indicator_value_met) ON iv.assessment_id = a.id
        WHERE u.depth = 2 ${s.only ? `AND u.parent_id IN (${idList(s.only)})` : ""}
        GROUP BY pp.plan_id, u.parent_id, iv.indicator_id HAVING SUM(u.type = 'xa') > 0) ch
    JOIN admin_unit u ON u.id = ch.parent_id
    JOIN ${pp} pp ON pp.plan_id = ch.plan_id AND ${inPlan(s)}
    WHERE u.depth = 1`;
}

/**
 * The province rows of progress_indicator: the sums of its districts' rows (read from the index
 * alone), one row per indicator at least one xã below gave a value for.
 */
function provinceIndicatorsSql(s: RollupScope): string {
  return `INSERT INTO progress_indicator (${INDICATOR_COLUMNS.join(", ")})
    SELECT pp.plan_id, u.id, ch.indicator_id, u.parent_id, u.depth, ch.xa_assessed, ch.xa_met, CURRENT_TIMESTAMP(3)
    FROM (SELECT plan_id, parent_id, indicator_id, SUM(xa_assessed) AS xa_assessed, SUM(xa_met) AS xa_met
        FROM progress_indicator FORCE INDEX (ix_progress_indicator_parent)
        WHERE plan_id IN (${idList(s.plans.map((p) => p.planId))}) AND depth = 1
          ${s.only ? `AND parent_id IN (${idList(s.only)})` : ""}
        GROUP BY plan_id, parent_id, indicator_id HAVING SUM(xa_assessed) > 0) ch
    JOIN admin_unit u ON u.id = ch.parent_id
    JOIN ${plansTable(s.plans)} pp ON pp.plan_id = ch.plan_id AND ${inPlan(s)}
    WHERE u.depth = 0`;
}

/**
 * The batch's indicator rows (progress_indicator), of every unit or of `only`'s: deleted, then the
 * districts' summed from the communes' values and the province's from the districts'.
 */
async function rollUpIndicators(m: EntityManager, s: RollupScope): Promise<void> {
  await m.query(
    `DELETE FROM progress_indicator WHERE plan_id IN (${idList(s.plans.map((p) => p.planId))})
     ${s.only ? `AND unit_id IN (${idList(s.only)})` : ""}`,
  );
  await m.query(districtIndicatorsSql(s));
  await m.query(provinceIndicatorsSql(s));
}

/**
 * Joins `u` to the recipient `rcp` and each of its ancestors in the plan's scope: the ids on its
 * path, one primary-key lookup per level. (A path range, `rcp.path` starting with `u.path`, cost a
 * comparison per recipient and unit of the plan: 80 s for 20,000 disbursements at national scale.)
 */
function recipientChain(s: RollupScope): string {
  const idAtDepth =
    "CAST(NULLIF(SUBSTRING_INDEX(SUBSTRING_INDEX(rcp.path, '/', lv.k + 2), '/', -1), '') AS UNSIGNED)";
  return `JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) lv ON lv.k <= rcp.depth
    JOIN admin_unit u ON u.id = ${idAtDepth}
      AND ${inPlan(s)} ${s.only ? `AND u.id IN (${idList(s.only)})` : ""}`;
}

/** Rows of progress_unit of the batch for units no longer valid on the as-of date or out of scope. */
function staleUnitsSql(s: RollupScope): string {
  return `DELETE pu FROM progress_unit pu
    JOIN ${plansTable(s.plans)} pp ON pp.plan_id = pu.plan_id
    LEFT JOIN admin_unit u ON u.id = pu.unit_id
    WHERE ${s.only ? `pu.unit_id IN (${idList(s.only)}) AND` : ""} (u.id IS NULL OR NOT (${inPlan(s)}))`;
}

function orgSql(s: RollupScope): string {
  const source = s.only
    ? `(SELECT a.plan_id, a.org_id AS k, ${taskSums(s)}
        FROM organization o JOIN assignment a ON a.org_id = o.id
        WHERE o.unit_id IN (${idList(s.only)}) AND a.plan_id IN (${idList(s.plans.map((p) => p.planId))})
          AND a.status <> 'cancelled'
        GROUP BY a.plan_id, a.org_id)`
    : `(SELECT plan_id, org_id AS k, ${TASK_COUNTERS.join(", ")} FROM ${ORG_TASKS})`;
  return `INSERT INTO progress_org (plan_id, org_id, unit_id, ${TASK_COUNTERS.join(", ")}, computed_at)
    SELECT pp.plan_id, tk.k, o.unit_id, ${TASK_COUNTERS.map((c) => `tk.${c}`).join(", ")}, CURRENT_TIMESTAMP(3)
    FROM ${source} tk
    JOIN ${plansTable(s.plans)} pp ON pp.plan_id = tk.plan_id
    JOIN organization o ON o.id = tk.k JOIN admin_unit u ON u.id = o.unit_id
    WHERE ${inPlan(s)}`;
}

function fundingSql(s: RollupScope): string {
  return `INSERT INTO progress_funding (plan_id, unit_id, source, allocated_vnd, inexact_count, allocations)
    SELECT pp.plan_id, u.id, f.source, COALESCE(SUM(f.amount_vnd), 0), SUM(f.amount_qualifier <> 'exact' OR f.amount_vnd IS NULL), COUNT(*)
    FROM ${plansTable(s.plans)} pp
    JOIN funding_allocation f ON f.plan_id = pp.plan_id
    JOIN admin_unit rcp ON rcp.id = COALESCE(f.recipient_unit_id, pp.scope_unit_id)
    ${recipientChain(s)}
    GROUP BY pp.plan_id, u.id, f.source`;
}

/**
 * Disbursements per plan, unit subtree and source, summed like the allocations (those without a
 * recipient at the plan's scope), upserted onto the rows fundingSql just wrote: a source paid out
 * from without an allocation gets a row of its own (allocated 0).
 */
function disbursedSql(s: RollupScope): string {
  return `INSERT INTO progress_funding (plan_id, unit_id, source, disbursed_vnd, disbursements)
    SELECT pp.plan_id, u.id, d.source, SUM(d.amount_vnd), COUNT(*)
    FROM ${plansTable(s.plans)} pp
    JOIN funding_disbursement d ON d.plan_id = pp.plan_id
    JOIN admin_unit rcp ON rcp.id = COALESCE(d.recipient_unit_id, pp.scope_unit_id)
    ${recipientChain(s)}
    GROUP BY pp.plan_id, u.id, d.source
    ON DUPLICATE KEY UPDATE disbursed_vnd = VALUES(disbursed_vnd), disbursements = VALUES(disbursements)`;
}

/**
 * Full rebuild of plans sharing today: every table, every level, deepest first; one statement per
 * level for every plan whose scope lies at the same depth (in practice: all of them). Run it in a
 * transaction under the plans' roll-up locks (rollup-lock.ts; the temporary table lives on the
 * transaction's single connection).
 */
export async function rebuildPlans(m: EntityManager, plans: readonly RollupParams[]): Promise<void> {
  for (const batch of byScopeDepth(plans)) {
    const s: RollupScope = { plans: batch, only: null };
    const ids = idList(batch.map((p) => p.planId));
    await m.query(`DROP TEMPORARY TABLE IF EXISTS ${ORG_TASKS}`);
    for (const sql of orgTasksTableSql(s)) await m.query(sql);
    // Rows of units gone from a plan go first (the levels above must not count them), then every
    // level is upserted, deepest first.
    await m.query(staleUnitsSql(s));
    for (const depth of [3, 2, 1, 0]) await m.query(levelSql(depth, s));
    await rollUpIndicators(m, s);
    await m.query(`DELETE FROM progress_org WHERE plan_id IN (${ids})`);
    await m.query(orgSql(s));
    await m.query(`DROP TEMPORARY TABLE IF EXISTS ${ORG_TASKS}`);
    await m.query(`DELETE FROM progress_funding WHERE plan_id IN (${ids})`);
    await m.query(fundingSql(s));
    await m.query(disbursedSql(s));
    await bumpVersions(m, batch);
  }
}

/** Full rebuild of one plan (see rebuildPlans). */
export function rebuildPlan(m: EntityManager, p: RollupParams): Promise<void> {
  return rebuildPlans(m, [p]);
}

/**
 * Recomputes some units (ancestor chains: `units` holds every unit of each chain) in every plan
 * whose scope holds them, deepest first: one statement per level touching a row per unit and plan,
 * each reading the rows the one before it wrote. Run it in a transaction under the plans' roll-up
 * locks (rollup-lock.ts).
 */
export async function rollUpUnits(
  m: EntityManager,
  plans: readonly RollupParams[],
  units: readonly number[],
): Promise<void> {
  if (units.length === 0) return;
  for (const batch of byScopeDepth(plans)) {
    const s: RollupScope = { plans: batch, only: units };
    const ids = idList(batch.map((p) => p.planId));
    // A unit no longer valid on the as-of date (or moved out of scope) loses its row, before the
    // levels above it are summed.
    await m.query(staleUnitsSql(s));
    for (const depth of [3, 2, 1, 0]) await m.query(levelSql(depth, s));
    await rollUpIndicators(m, s);
    await m.query(`DELETE FROM progress_org WHERE plan_id IN (${ids}) AND unit_id IN (${idList(units)})`);
    await m.query(orgSql(s));
    await m.query(`DELETE FROM progress_funding WHERE plan_id IN (${ids}) AND unit_id IN (${idList(units)})`);
    await m.query(fundingSql(s));
    await m.query(disbursedSql(s));
    await bumpVersions(m, batch);
  }
}

/** Adds one to the roll-up version of each plan (in the roll-up's transaction). */
async function bumpVersions(m: EntityManager, plans: readonly RollupParams[]): Promise<void> {
  await m.query(
    `INSERT INTO progress_plan (plan_id, version, changed_at)
     VALUES ${plans.map((p) => `(${idList([p.planId])}, 1, CURRENT_TIMESTAMP(3))`).join(", ")}
     ON DUPLICATE KEY UPDATE version = version + 1, changed_at = VALUES(changed_at)`,
  );
}

/**
 * The roll-up versions of every plan in one value: changes whenever a roll-up commits (versions
 * only grow; rows are never deleted, and the count covers a plan's first roll-up).
 */
export async function progressVersion(m: EntityManager): Promise<string> {
  const [row] = (await m.query(
    "SELECT COUNT(*) AS n, COALESCE(SUM(version), 0) AS v FROM progress_plan",
  )) as Array<{ n: number | string; v: number | string }>;
  return `${String(row.n)}.${String(row.v)}`;
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
