/** From roll-up rows to what the API returns (pure, no I/O). */
import type { PlanTarget, TargetQuota } from "../plans/plan-target.entity";
import type {
  ProgressFigures,
  ProgressFunding,
  ProgressOrg,
  ProgressSnapshot,
  ProgressUnit,
} from "./progress.entity";
import {
  avgPerXa,
  metricActual,
  percent,
  percentAchieved,
  type UnitFigures,
  vndPercent,
} from "./progress.math";
import {
  FundingProgress,
  IndicatorProgress,
  ProgressSnapshotEntry,
  TargetProgress,
  TargetUnitProgress,
  TaskProgress,
  UnitProgress,
} from "./progress.types";

type TaskCounts = Pick<
  ProgressUnit,
  | "assignmentsTotal"
  | "assignmentsDone"
  | "inTerm"
  | "dueSoon"
  | "overdue"
  | "doneOnTime"
  | "doneLate"
  | "noDeadline"
>;

export function taskProgressOf(r: TaskCounts | ProgressOrg): TaskProgress {
  const finished = r.doneOnTime + r.doneLate;
  return Object.assign(new TaskProgress(), {
    assignmentsTotal: r.assignmentsTotal,
    assignmentsDone: r.assignmentsDone,
    inTerm: r.inTerm,
    dueSoon: r.dueSoon,
    overdue: r.overdue,
    doneOnTime: r.doneOnTime,
    doneLate: r.doneLate,
    noDeadline: r.noDeadline,
    percentDone: percent(r.assignmentsDone, r.assignmentsTotal) ?? 0,
    onTimeRate: percent(r.doneOnTime, finished),
  });
}

export function unitProgressOf(r: ProgressUnit): UnitProgress {
  return Object.assign(new UnitProgress(), {
    row: r,
    asOf: r.asOf,
    unitType: r.unitType,
    depth: r.depth,
    criteriaMet: r.criteriaMet,
    criteriaMetBaseline: r.criteriaMetStart,
    criteriaTotal: r.criteriaTotal,
    criteriaFlags: r.criteriaFlags,
    levelReached: r.levelReached,
    communesNtm: r.communesNtm,
    communesNtmAtStart: r.communesNtmStart,
    communesAdvancedNtm: r.communesAdvancedNtm,
    communesAdvancedNtmAtStart: r.communesAdvancedNtmStart,
    xaCount: r.xaCount,
    avgCriteriaPerXa: avgPerXa(r),
    communesGainedCriterion: r.communesGained,
    villagesNtm: r.villagesNtm,
    villagesNtmAtStart: r.villagesNtmStart,
    districtsCompleted: r.districtsCompleted,
    computedAt: r.computedAt,
  });
}

export function fundingOf(r: ProgressFunding): FundingProgress {
  return Object.assign(new FundingProgress(), {
    source: r.source,
    allocatedVnd: String(r.allocatedVnd),
    allocations: r.allocations,
    inexact: r.inexactCount,
    disbursedVnd: String(r.disbursedVnd),
    disbursements: r.disbursements,
    disbursementRate: vndPercent(String(r.disbursedVnd), String(r.allocatedVnd)),
  });
}

/** One indicator of a unit: a commune's own value, or the xã counts of a district or province. */
export interface IndicatorFigures {
  indicatorId: number;
  /** A commune's own verdict and value (null when it gave none, and above the commune). */
  met: boolean | null;
  value: string | null;
  xaAssessed: number;
  xaMet: number;
}

export function indicatorOf(r: IndicatorFigures): IndicatorProgress {
  return Object.assign(new IndicatorProgress(), {
    indicatorId: r.indicatorId,
    met: r.met,
    value: r.value,
    xaAssessed: r.xaAssessed,
    xaMet: r.xaMet,
  });
}

export function snapshotOf(r: ProgressSnapshot): ProgressSnapshotEntry {
  return Object.assign(new ProgressSnapshotEntry(), {
    row: r,
    date: r.snapshotDate,
    criteriaMet: r.criteriaMet,
    levelReached: r.levelReached,
    communesNtm: r.communesNtm,
    communesAdvancedNtm: r.communesAdvancedNtm,
    xaCount: r.xaCount,
    avgCriteriaPerXa: avgPerXa(r),
    communesGainedCriterion: r.communesGained,
    villagesNtm: r.villagesNtm,
  });
}

const num = (s: string | null): number | null => (s === null ? null : Number(s));

const figures = (r: ProgressFigures): UnitFigures => r;

/**
 * A target against the rolled-up rows: `scopeRow` is the target's scope unit, `children` its
 * rolled-up children (districts, for a province-wide target).
 */
export function targetProgressOf(
  t: PlanTarget,
  planScopeUnitId: number,
  scopeRow: ProgressFigures | null,
  children: ProgressFigures[],
  quotas: TargetQuota[],
): TargetProgress {
  const target = num(t.targetValue);
  const actual = scopeRow ? metricActual(t.metric, figures(scopeRow)) : null;
  const drill =
    t.scopeUnitId === planScopeUnitId ? children.filter((c) => c.depth === 1) : scopeRow ? [scopeRow] : [];
  const byUnit = drill.map((row) => {
    const q = quotas.find((x) => x.unitId === row.unitId);
    const unitTarget =
      t.targetKind === "minimum_each"
        ? target
        : row.unitId === t.scopeUnitId
          ? target
          : num(q?.quota ?? null);
    const a = metricActual(t.metric, figures(row));
    return Object.assign(new TargetUnitProgress(), {
      unitId: row.unitId,
      planId: row.planId,
      target: unitTarget,
      quotaText: q?.quotaText ?? null,
      actual: a,
      percentAchieved: percentAchieved(t.targetKind, unitTarget, a, figures(row)),
    });
  });
  return Object.assign(new TargetProgress(), {
    target: t,
    baseline: num(t.baseline),
    targetValue: target,
    actual,
    percentAchieved: scopeRow ? percentAchieved(t.targetKind, target, actual, figures(scopeRow)) : null,
    byUnit,
  });
}
