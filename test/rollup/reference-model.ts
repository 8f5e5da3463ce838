/**
 * An independent, row-by-row JavaScript model of the roll-up rules (README "Progress roll-up and
 * dashboard"), used by the tests to compute expected figures from the source tables without the
 * roll-up's SQL.
 */
import type { DataSource } from "typeorm";

export interface ModelFigures {
  criteriaMet: number | null;
  criteriaMetStart: number | null;
  levelReached: string | null;
  communesNtm: number;
  communesNtmStart: number;
  communesAdvancedNtm: number;
  communesAdvancedNtmStart: number;
  xaCount: number;
  xaCriteriaSum: number;
  communesGained: number;
  villagesNtm: number;
  villagesNtmStart: number;
  districtsCompleted: number;
  assignmentsTotal: number;
  assignmentsDone: number;
  overdue: number;
  doneOnTime: number;
  doneLate: number;
}

interface U {
  id: number;
  parent_id: number | null;
  depth: number;
  type: string;
  path: string;
  valid_from: string | null;
  valid_to: string | null;
}

/** A DATE column as "YYYY-MM-DD" (mysql2 may hand it over as a Date at UTC midnight). */
const d = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v.toISOString().slice(0, 10)
      : String(v).slice(0, 10);

/**
 * A plan's year and as-of date on `today`, the units of its roll-up (under its scope, valid on the
 * as-of date) and the criteria set of a kind in force that year (the latest that covers it).
 */
async function planScope(ds: DataSource, planId: number, today: string) {
  const [plan] = await ds.query(
    "SELECT p.year, u.path FROM plan p JOIN admin_unit u ON u.id = p.scope_unit_id WHERE p.id = ?",
    [planId],
  );
  const year = Number(plan.year);
  const asOf = today < `${year}-12-31` ? today : `${year}-12-31`;
  const units = (
    (await ds.query("SELECT id, parent_id, depth, type, path, valid_from, valid_to FROM admin_unit")) as U[]
  )
    .map((u) => ({
      ...u,
      id: Number(u.id),
      depth: Number(u.depth),
      valid_from: d(u.valid_from),
      valid_to: d(u.valid_to),
    }))
    .filter(
      (u) =>
        u.path.startsWith(plan.path) &&
        (u.valid_from === null || u.valid_from <= asOf) &&
        (u.valid_to === null || u.valid_to >= asOf),
    );
  const sets = (await ds.query(
    "SELECT id, kind, period_start_year s, period_end_year e FROM criteria_set ORDER BY period_start_year DESC, id DESC",
  )) as Array<{ id: number; kind: string; s: number; e: number | null }>;
  const setOf = (kind: string): number | null =>
    sets.find((s) => s.kind === kind && Number(s.s) <= year && (s.e === null || Number(s.e) >= year))?.id ??
    null;
  return { year, asOf, units, setOf };
}

/** Expected figures per unit id for `planId`, on `today` (a local date). */
export async function referenceModel(
  ds: DataSource,
  planId: number,
  today: string,
): Promise<Map<number, ModelFigures>> {
  const { year, asOf, units, setOf } = await planScope(ds, planId, today);
  const start = `${year - 1}-12-31`;
  const setByDepth: Record<number, number | null> = {
    1: setOf("district"),
    2: setOf("commune"),
    3: setOf("village"),
  };
  const assessments = (await ds.query(
    "SELECT a.unit_id, a.year, a.met, c.set_id FROM assessment a JOIN criterion c ON c.id = a.criterion_id",
  )) as Array<{ unit_id: number; year: number; met: number; set_id: number }>;
  const recognitions = (await ds.query(
    "SELECT unit_id, level, standard_year, decided_on, revoked_on FROM recognition",
  )) as Array<{
    unit_id: number;
    level: string;
    standard_year: number | null;
    decided_on: unknown;
    revoked_on: unknown;
  }>;
  const assignments = (await ds.query(
    `SELECT a.status, a.due_date, a.completed_on, o.unit_id FROM assignment a JOIN task t ON t.id = a.task_id
     JOIN organization o ON o.id = a.org_id WHERE t.plan_id = ?`,
    [planId],
  )) as Array<{ status: string; due_date: unknown; completed_on: unknown; unit_id: number }>;

  const held = (unitId: number, levels: string[], at: "now" | "start") =>
    recognitions.some((r) => {
      if (Number(r.unit_id) !== unitId || !levels.includes(r.level)) return false;
      const decided = d(r.decided_on);
      const revoked = d(r.revoked_on);
      const limitYear = at === "now" ? year : year - 1;
      const limitDate = at === "now" ? asOf : start;
      const inForce =
        r.standard_year !== null
          ? Number(r.standard_year) <= limitYear
          : decided === null || decided <= limitDate;
      const revokeCut = at === "now" ? today : start;
      return inForce && (revoked === null || revoked > revokeCut);
    });
  const met = (u: U, y: number) => {
    const set = setByDepth[u.depth];
    if (!set) return null;
    return assessments.filter(
      (a) =>
        Number(a.unit_id) === u.id && Number(a.year) === y && Number(a.set_id) === set && Number(a.met) === 1,
    ).length;
  };

  const out = new Map<number, ModelFigures>();
  for (const depth of [3, 2, 1, 0]) {
    for (const u of units.filter((x) => x.depth === depth)) {
      const m = met(u, year);
      const ms = met(u, year - 1);
      const NTM = ["ntm", "advanced_ntm", "model_ntm"];
      const ADV = ["advanced_ntm", "model_ntm"];
      let level: string | null = null;
      if (depth === 2) {
        level = held(u.id, ["model_ntm"], "now")
          ? "model_ntm"
          : held(u.id, ADV, "now")
            ? "advanced_ntm"
            : held(u.id, NTM, "now")
              ? "ntm"
              : null;
      } else if (depth === 3) level = held(u.id, ["village_ntm"], "now") ? "village_ntm" : null;
      else if (depth === 1) {
        level = held(u.id, ["district_completion"], "now")
          ? "district_completion"
          : held(u.id, ["district_ntm"], "now")
            ? "district_ntm"
            : null;
      }
      const isXa = depth === 2 && u.type === "xa";
      const f: ModelFigures = {
        criteriaMet: m,
        criteriaMetStart: ms,
        levelReached: level,
        communesNtm: depth === 2 && held(u.id, NTM, "now") ? 1 : 0,
        communesNtmStart: depth === 2 && held(u.id, NTM, "start") ? 1 : 0,
        communesAdvancedNtm: depth === 2 && held(u.id, ADV, "now") ? 1 : 0,
        communesAdvancedNtmStart: depth === 2 && held(u.id, ADV, "start") ? 1 : 0,
        xaCount: isXa ? 1 : 0,
        xaCriteriaSum: isXa ? (m ?? 0) : 0,
        communesGained: isXa && (m ?? 0) > (ms ?? 0) ? 1 : 0,
        villagesNtm: depth === 3 && held(u.id, ["village_ntm"], "now") ? 1 : 0,
        villagesNtmStart: depth === 3 && held(u.id, ["village_ntm"], "start") ? 1 : 0,
        districtsCompleted: depth === 1 && held(u.id, ["district_completion"], "now") ? 1 : 0,
        assignmentsTotal: 0,
        assignmentsDone: 0,
        overdue: 0,
        doneOnTime: 0,
        doneLate: 0,
      };
      for (const a of assignments.filter((x) => Number(x.unit_id) === u.id && x.status !== "cancelled")) {
        const due = d(a.due_date);
        const done = d(a.completed_on);
        f.assignmentsTotal += 1;
        if (a.status === "approved") {
          f.assignmentsDone += 1;
          if (due === null || (done !== null && done <= due)) f.doneOnTime += 1;
          else f.doneLate += 1;
        } else if (due !== null && today > due) f.overdue += 1;
      }
      for (const c of units.filter((x) => x.parent_id !== null && Number(x.parent_id) === u.id)) {
        const cf = out.get(c.id);
        if (!cf) continue;
        for (const k of [
          "communesNtm",
          "communesNtmStart",
          "communesAdvancedNtm",
          "communesAdvancedNtmStart",
          "xaCount",
          "xaCriteriaSum",
          "communesGained",
          "villagesNtm",
          "villagesNtmStart",
          "districtsCompleted",
          "assignmentsTotal",
          "assignmentsDone",
          "overdue",
          "doneOnTime",
          "doneLate",
        ] as const) {
          f[k] += cf[k];
        }
      }
      out.set(u.id, f);
    }
  }
  return out;
}

export interface ModelFunding {
  allocatedVnd: bigint;
  allocations: number;
  inexact: number;
  disbursedVnd: bigint;
  disbursements: number;
}

/**
 * Expected funding per unit id and source for `planId`: every allocation and disbursement of the
 * plan counts at its recipient (the plan's scope without one) and at each ancestor of it that is
 * in the plan's roll-up (under the scope, valid on the as-of date).
 */
export async function referenceFunding(
  ds: DataSource,
  planId: number,
  today: string,
): Promise<Map<number, Map<string, ModelFunding>>> {
  const units = await referenceModel(ds, planId, today);
  const [plan] = await ds.query("SELECT scope_unit_id FROM plan WHERE id = ?", [planId]);
  const paths = new Map(
    ((await ds.query("SELECT id, path FROM admin_unit")) as Array<{ id: number; path: string }>).map((u) => [
      Number(u.id),
      u.path,
    ]),
  );
  const rows = [
    ...(
      (await ds.query(
        "SELECT recipient_unit_id r, source, amount_vnd a, amount_qualifier q FROM funding_allocation WHERE plan_id = ?",
        [planId],
      )) as Array<{ r: number | null; source: string; a: string | null; q: string }>
    ).map((x) => ({
      ...x,
      kind: "allocation" as const,
    })),
    ...(
      (await ds.query(
        "SELECT recipient_unit_id r, source, amount_vnd a, 'exact' q FROM funding_disbursement WHERE plan_id = ?",
        [planId],
      )) as Array<{ r: number | null; source: string; a: string; q: string }>
    ).map((x) => ({
      ...x,
      kind: "disbursement" as const,
    })),
  ];
  const out = new Map<number, Map<string, ModelFunding>>();
  for (const row of rows) {
    const recipientPath = paths.get(Number(row.r ?? plan.scope_unit_id))!;
    for (const unitId of units.keys()) {
      if (!recipientPath.startsWith(paths.get(unitId)!)) continue;
      const bySource = out.get(unitId) ?? new Map<string, ModelFunding>();
      out.set(unitId, bySource);
      const f = bySource.get(row.source) ?? {
        allocatedVnd: 0n,
        allocations: 0,
        inexact: 0,
        disbursedVnd: 0n,
        disbursements: 0,
      };
      bySource.set(row.source, f);
      if (row.kind === "allocation") {
        f.allocations += 1;
        f.allocatedVnd += BigInt(row.a ?? 0);
        if (row.q !== "exact" || row.a === null) f.inexact += 1;
      } else {
        f.disbursements += 1;
        f.disbursedVnd += BigInt(row.a);
      }
    }
  }
  return out;
}

export interface ModelIndicator {
  indicatorId: number;
  met: boolean | null;
  value: string | null;
  xaAssessed: number;
  xaMet: number;
}

/**
 * Expected indicator rows per unit id for `planId` on `today`, in the set's order: a commune's
 * values from its assessments of the plan year of the commune set in force; above it, the xã of
 * the subtree that recorded a value and met it (indicators no xã recorded left out).
 */
export async function referenceIndicators(
  ds: DataSource,
  planId: number,
  today: string,
): Promise<Map<number, ModelIndicator[]>> {
  const scope = await planScope(ds, planId, today);
  const { year } = scope;
  const units = scope.units.filter((u) => u.depth <= 2);
  const setId = scope.setOf("commune");
  const out = new Map<number, ModelIndicator[]>();
  if (setId === null) return out;
  const values = (await ds.query(
    `SELECT a.unit_id, a.year, iv.indicator_id, iv.met, iv.value, c.set_id
     FROM assessment_indicator iv JOIN assessment a ON a.id = iv.assessment_id JOIN criterion c ON c.id = a.criterion_id`,
  )) as Array<{
    unit_id: number;
    year: number;
    indicator_id: number;
    met: number | null;
    value: string | null;
    set_id: number;
  }>;
  const order = (
    (await ds.query(
      "SELECT i.id FROM indicator i JOIN criterion c ON c.id = i.criterion_id ORDER BY c.no, i.ord, i.id",
    )) as Array<{ id: number }>
  ).map((r) => Number(r.id));
  const sorted = (list: ModelIndicator[]) =>
    list.sort((a, b) => order.indexOf(a.indicatorId) - order.indexOf(b.indicatorId));
  for (const u of units.filter((x) => x.depth === 2)) {
    const isXa = u.type === "xa";
    const mine = values
      .filter(
        (v) => Number(v.unit_id) === u.id && Number(v.year) === year && Number(v.set_id) === Number(setId),
      )
      .map((v) => ({
        indicatorId: Number(v.indicator_id),
        met: v.met === null ? null : Number(v.met) === 1,
        value: v.value === null ? null : String(v.value),
        xaAssessed: isXa ? 1 : 0,
        xaMet: isXa && v.met !== null && Number(v.met) === 1 ? 1 : 0,
      }));
    out.set(u.id, sorted(mine));
  }
  for (const depth of [1, 0]) {
    for (const u of units.filter((x) => x.depth === depth)) {
      const sums = new Map<number, ModelIndicator>();
      for (const c of units.filter((x) => x.parent_id !== null && Number(x.parent_id) === u.id)) {
        for (const r of out.get(c.id) ?? []) {
          const s = sums.get(r.indicatorId) ?? {
            indicatorId: r.indicatorId,
            met: null,
            value: null,
            xaAssessed: 0,
            xaMet: 0,
          };
          s.xaAssessed += r.xaAssessed;
          s.xaMet += r.xaMet;
          sums.set(r.indicatorId, s);
        }
      }
      out.set(u.id, sorted([...sums.values()].filter((s) => s.xaAssessed > 0)));
    }
  }
  return out;
}
