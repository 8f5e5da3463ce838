/**
 * The plan's progress as one plain value: what the dashboard shows and what the Excel export
 * (src/reports/progress-workbook.ts) writes, cell by cell. Produced from the rolled-up tables
 * (src/rollup), never recounted on request. Numbers are plain numbers; dates are ISO calendar
 * dates (YYYY-MM-DD) in Asia/Ho_Chi_Minh.
 */
export interface ProgressReport {
  plan: { id: number; code: string; title: string; year: number };
  /** The calendar date the figures describe. */
  asOf: string;
  /** The scope unit of the plan (the province). */
  province: ProgressUnitRow;
  /** Every plan target, in the plan's order. */
  targets: ProgressTargetRow[];
  /** One entry per district-level unit of the province, in official-code order. */
  districts: ProgressDistrict[];
}

export interface ProgressTargetRow {
  code: string;
  title: string;
  /** The unit of measure as stored (e.g. "xã", "thôn", "tiêu chí"). */
  measureUnit: string;
  baseline: number | null;
  target: number | null;
  actual: number;
  /** actual against target in percent, one decimal; null when the target is unknown or 0. */
  percentAchieved: number | null;
  /** The figure per district (drill-down), for targets that split by district. */
  byDistrict: { unitId: number; code: string | null; name: string; target: number | null; actual: number }[];
}

/** The rolled-up figures of one unit (province, district or commune). */
export interface ProgressUnitRow {
  unitId: number;
  code: string | null;
  name: string;
  /** UnitType value: tinh, huyen, thanh_pho, xa, phuong, thi_tran, ... */
  type: string;
  communesNtm: number;
  communesAdvancedNtm: number;
  /** Number of xã counted in the average (phường and thị trấn excluded). */
  xaCount: number;
  /** Average criteria met per xã, two decimals; null when xaCount is 0. */
  avgCriteriaPerXa: number | null;
  communesGainedCriterion: number;
  villagesNtm: number;
  /** District criteria met (of 9); null for units that are not districts. */
  districtCriteriaMet: number | null;
  assignmentsTotal: number;
  assignmentsDone: number;
  assignmentsOverdue: number;
  /** Percent done (0–100, one decimal). */
  percentDone: number;
  /** On-time rate among finished assignments (0–100, one decimal); null when none finished. */
  onTimeRate: number | null;
}

export interface ProgressCommuneRow extends ProgressUnitRow {
  /** Criteria met of the commune set (19 in 2022). */
  criteriaMet: number;
  criteriaTotal: number;
  /** Criteria met at the end of the previous year (the baseline). */
  criteriaMetBaseline: number;
  /** Highest level held on asOf: "ntm", "advanced_ntm", "model_ntm" or null. */
  level: string | null;
  /** Per criterion, in criterion order: true met, false not met, null not assessed. */
  criteria: { no: number; name: string; met: boolean | null }[];
}

export interface ProgressDistrict {
  district: ProgressUnitRow;
  communes: ProgressCommuneRow[];
}
