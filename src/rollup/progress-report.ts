/**
 * The plan's progress as one plain value (src/reports/progress-report.types.ts), read from the
 * roll-up tables: the live ones, or the daily snapshot of `asOf` when a date is given. What the
 * dashboard shows and what the Excel export writes.
 */
import { setInForceSql } from "../criteria/criteria-set.sql";
import type { DataSource } from "typeorm";
import { Plan } from "../plans/plan.entity";
import { PlanTarget, TargetQuota } from "../plans/plan-target.entity";
import type {
  ProgressCommuneRow,
  ProgressReport,
  ProgressTargetRow,
  ProgressUnitRow,
} from "../reports/progress-report.types";
import { NotFoundError } from "../shared/errors";
import { type ProgressFigures, ProgressSnapshot, ProgressUnit } from "./progress.entity";
import { avgPerXa, percent } from "./progress.math";
import { targetProgressOf } from "./progress.view";

function unitRow(r: ProgressFigures): ProgressUnitRow {
  const finished = r.doneOnTime + r.doneLate;
  return {
    unitId: r.unitId,
    code: r.code,
    name: r.name,
    type: r.unitType,
    communesNtm: r.communesNtm,
    communesAdvancedNtm: r.communesAdvancedNtm,
    xaCount: r.xaCount,
    avgCriteriaPerXa: avgPerXa(r),
    communesGainedCriterion: r.communesGained,
    villagesNtm: r.villagesNtm,
    districtCriteriaMet: r.depth === 1 ? r.criteriaMet : null,
    assignmentsTotal: r.assignmentsTotal,
    assignmentsDone: r.assignmentsDone,
    assignmentsOverdue: r.overdue,
    percentDone: percent(r.assignmentsDone, r.assignmentsTotal) ?? 0,
    onTimeRate: percent(r.doneOnTime, finished),
  };
}

function byCode(a: ProgressFigures, b: ProgressFigures): number {
  return (a.code ?? "~").localeCompare(b.code ?? "~") || a.unitId - b.unitId;
}

/**
 * Loads the report of `planId`; `asOf` (YYYY-MM-DD) other than the live figures' own date reads
 * that day's snapshot instead of the live figures. NOT_FOUND when the plan does not exist or has no figures (for that day).
 */
export async function loadProgressReport(
  ds: DataSource,
  planId: number,
  asOf?: string,
): Promise<ProgressReport> {
  const plan = await ds.getRepository(Plan).findOne({ where: { id: planId } });
  if (!plan) throw new NotFoundError("Plan");
  const live: ProgressFigures[] = await ds
    .getRepository(ProgressUnit)
    .createQueryBuilder("x")
    .where("x.plan_id = :planId AND x.depth <= 2", { planId })
    .getMany();
  // The live figures describe their own date (today, or 31/12 once the plan year is over); only
  // another date reads a daily snapshot. Today's snapshot is taken once a day and lags the live
  // rows, or does not exist yet, so asking for "as of today" must not read it.
  const liveAsOf = live.find((r) => r.unitId === plan.scopeUnitId)?.asOf;
  const rows: ProgressFigures[] =
    asOf === undefined || asOf === liveAsOf
      ? live
      : await ds.getRepository(ProgressSnapshot).find({ where: { planId, snapshotDate: asOf } });
  const province = rows.find((r) => r.unitId === plan.scopeUnitId);
  if (!province) throw new NotFoundError("Plan progress");

  const [targets, criteria] = await Promise.all([
    ds.getRepository(PlanTarget).find({ where: { planId }, order: { ord: "ASC", id: "ASC" } }),
    ds.query(
      `SELECT c.no, c.name FROM criterion c WHERE c.set_id = ${setInForceSql("commune", "?")} ORDER BY c.no`,
      [plan.year, plan.year],
    ) as Promise<Array<{ no: number; name: string }>>,
  ]);
  const quotas =
    targets.length === 0
      ? []
      : await ds
          .getRepository(TargetQuota)
          .createQueryBuilder("q")
          .where("q.target_id IN (:...ids)", { ids: targets.map((t) => t.id) })
          .getMany();

  const districts = rows.filter((r) => r.parentId === province.unitId).sort(byCode);
  const byId = new Map(rows.map((r) => [r.unitId, r]));
  const targetRows: ProgressTargetRow[] = targets.map((t) => {
    const scope = byId.get(t.scopeUnitId) ?? null;
    const tp = targetProgressOf(
      t,
      plan.scopeUnitId,
      scope,
      districts,
      quotas.filter((q) => q.targetId === t.id),
    );
    return {
      code: t.code,
      title: t.title,
      measureUnit: t.measureUnit,
      baseline: tp.baseline,
      target: tp.targetValue,
      actual: tp.actual ?? 0,
      percentAchieved: tp.percentAchieved,
      byDistrict: tp.byUnit
        .map((u) => ({ u, r: byId.get(u.unitId) }))
        .sort((a, b) => (a.r && b.r ? byCode(a.r, b.r) : 0))
        .map(({ u, r }) => ({
          unitId: u.unitId,
          code: r?.code ?? null,
          name: r?.name ?? "",
          target: u.target,
          actual: u.actual ?? 0,
        })),
    };
  });

  const communeRow = (r: ProgressFigures): ProgressCommuneRow => {
    const flags = r.criteriaFlags ?? "";
    return {
      ...unitRow(r),
      criteriaMet: r.criteriaMet ?? 0,
      criteriaTotal: r.criteriaTotal ?? criteria.length,
      criteriaMetBaseline: r.criteriaMetStart ?? 0,
      level: r.levelReached,
      criteria: criteria.map((c) => {
        const f = flags[Number(c.no) - 1];
        return { no: Number(c.no), name: String(c.name), met: f === "1" ? true : f === "0" ? false : null };
      }),
    };
  };

  return {
    plan: { id: plan.id, code: plan.number, title: plan.title, year: plan.year },
    asOf: province.asOf,
    province: unitRow(province),
    targets: targetRows,
    districts: districts.map((d) => ({
      district: unitRow(d),
      communes: rows
        .filter((r) => r.parentId === d.unitId)
        .sort(byCode)
        .map(communeRow),
    })),
  };
}
