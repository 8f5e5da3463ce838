import type { CriteriaSetKind } from "./criteria.enums";

/**
 * A scalar subquery: the id of the criteria set of `kind` in force in the year `yearSql` (an SQL
 * expression or a `?` placeholder), the latest that covers the year, as the roll-up picks it
 * (rollup-plans.ts loadRollupParamsOf).
 */
export function setInForceSql(kind: `${CriteriaSetKind}`, yearSql: string): string {
  return `(SELECT cs.id FROM criteria_set cs
    WHERE cs.kind = '${kind}' AND cs.period_start_year <= ${yearSql}
      AND (cs.period_end_year IS NULL OR cs.period_end_year >= ${yearSql})
    ORDER BY cs.period_start_year DESC, cs.id DESC LIMIT 1)`;
}
