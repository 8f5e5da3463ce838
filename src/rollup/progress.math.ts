/** Pure maths of the dashboard: ratios and what a plan target's "actual" is. No I/O. */

/** The figures of one rolled-up unit a target reads. */
export interface UnitFigures {
  criteriaMet: number | null;
  criteriaMetStart: number | null;
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
}

export function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** part of whole in percent, one decimal; null when whole is 0. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? round((part / whole) * 100, 1) : null;
}

/**
 * part of whole in percent, one decimal, for exact VND integers given as decimal strings (sums may
 * pass 2^53, so the ratio is taken in BigInt, to a thousandth of a percent, then rounded);
 * null when whole is 0.
 */
export function vndPercent(part: string, whole: string): number | null {
  const w = BigInt(whole);
  if (w <= 0n) return null;
  return round(Number((BigInt(part) * 100_000n) / w) / 1000, 1);
}

/** Average criteria met per xã, two decimals; null without xã. */
export function avgPerXa(f: Pick<UnitFigures, "xaCriteriaSum" | "xaCount">): number | null {
  return f.xaCount > 0 ? round(f.xaCriteriaSum / f.xaCount, 2) : null;
}

/**
 * What a target's metric measures on a unit's figures. Increase targets (9 more NTM communes)
 * count the gain since 31/12 of the previous year; level targets the level reached; "minimum
 * each" targets the communes that gained at least one criterion; maintain targets 1 or 0.
 */
export function metricActual(metric: string, f: UnitFigures): number | null {
  switch (metric) {
    case "communes_ntm":
      return f.communesNtm - f.communesNtmStart;
    case "communes_advanced_ntm":
      return f.communesAdvancedNtm - f.communesAdvancedNtmStart;
    case "villages_ntm":
      return f.villagesNtm - f.villagesNtmStart;
    case "avg_criteria_xa":
      return avgPerXa(f);
    case "communes_gaining_criterion":
      return f.communesGained;
    case "district_criteria_met":
      return f.criteriaMet === null ? null : f.criteriaMet - (f.criteriaMetStart ?? 0);
    case "district_completion":
      return f.districtsCompleted > 0 ? 1 : 0;
    default:
      return null;
  }
}

/**
 * Percent achieved: actual against target, one decimal; for "minimum each" targets, the share of
 * the xã in scope that reached the minimum. Null when the target is unknown or 0.
 */
export function percentAchieved(
  kind: string,
  target: number | null,
  actual: number | null,
  f: UnitFigures,
): number | null {
  if (actual === null) return null;
  if (kind === "minimum_each") return percent(actual, f.xaCount);
  if (target === null || target === 0) return null;
  return round((actual / target) * 100, 1);
}
