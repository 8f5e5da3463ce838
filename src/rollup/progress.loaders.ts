import DataLoader from "dataloader";
import { readFromReplica } from "../db/replica";
import { setInForceSql } from "../criteria/criteria-set.sql";
import { Criterion, Indicator } from "../criteria/criterion.entity";
import type { Context } from "../shared/context";
import { ProgressFunding, ProgressIndicator, ProgressOrg, ProgressUnit } from "./progress.entity";
import type { IndicatorFigures } from "./progress.view";

/** Keys are "planId:unitId". */
export function progressKey(planId: number, unitId: number): string {
  return `${planId}:${unitId}`;
}

function splitKeys(keys: readonly string[]): Map<number, number[]> {
  const byPlan = new Map<number, number[]>();
  for (const k of keys) {
    const [p, u] = k.split(":").map(Number);
    byPlan.set(p, [...(byPlan.get(p) ?? []), u]);
  }
  return byPlan;
}

/** Rows of one column grouped per key; one SELECT per plan (in practice one). */
/** Adds `value` to the list of `key` (made on first use). */
function append<T>(groups: Map<string, T[]>, key: string, value: T): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

function groupedLoader<T extends object>(
  entity: new () => T,
  column: string,
  keyOf: (row: T) => string,
  order: string,
) {
  return (ctx: Context) =>
    new DataLoader<string, T[]>(
      async (keys) => {
        const groups = new Map<string, T[]>();
        for (const [planId, ids] of splitKeys(keys)) {
          const rows = await readFromReplica(ctx.ds, (m) =>
            m
              .getRepository(entity)
              .createQueryBuilder("x")
              .where("x.plan_id = :planId", { planId })
              .andWhere(`x.${column} IN (:...ids)`, { ids })
              .orderBy(order, "ASC")
              .getMany(),
          );
          for (const r of rows) append(groups, keyOf(r), r);
        }
        return keys.map((k) => groups.get(k) ?? []);
      },
      { maxBatchSize: 1000 },
    );
}

export const progressUnitByKey = (ctx: Context) =>
  new DataLoader<string, ProgressUnit | null>(
    async (keys) => {
      const found = new Map<string, ProgressUnit>();
      for (const [planId, ids] of splitKeys(keys)) {
        const rows = await readFromReplica(ctx.ds, (m) =>
          m
            .getRepository(ProgressUnit)
            .createQueryBuilder("x")
            .where("x.plan_id = :planId", { planId })
            .andWhere("x.unit_id IN (:...ids)", { ids })
            .getMany(),
        );
        for (const r of rows) found.set(progressKey(r.planId, r.unitId), r);
      }
      return keys.map((k) => found.get(k) ?? null);
    },
    { maxBatchSize: 1000 },
  );

export const progressChildren = groupedLoader(
  ProgressUnit,
  "parent_id",
  (r) => progressKey(r.planId, r.parentId ?? 0),
  "x.unit_id",
);
export const progressOrgsByUnit = groupedLoader(
  ProgressOrg,
  "unit_id",
  (r) => progressKey(r.planId, r.unitId),
  "x.org_id",
);
export const progressFundingByUnit = groupedLoader(
  ProgressFunding,
  "unit_id",
  (r) => progressKey(r.planId, r.unitId),
  "x.source",
);

/**
 * The rolled-up indicators of units, in the set's order (criterion number, then the indicator's
 * order): one SELECT per plan (in practice one) for every unit of the request.
 */
export const progressIndicatorsByUnit = (ctx: Context) =>
  new DataLoader<string, IndicatorFigures[]>(
    async (keys) => {
      const groups = new Map<string, IndicatorFigures[]>();
      for (const [planId, ids] of splitKeys(keys)) {
        const rows = await readFromReplica(ctx.ds, (m) =>
          m
            .getRepository(ProgressIndicator)
            .createQueryBuilder("x")
            .innerJoin(Indicator, "i", "i.id = x.indicator_id")
            .innerJoin(Criterion, "c", "c.id = i.criterion_id")
            .where("x.plan_id = :planId", { planId })
            .andWhere("x.unit_id IN (:...ids)", { ids })
            .orderBy("x.unit_id", "ASC")
            .addOrderBy("c.no", "ASC")
            .addOrderBy("i.ord", "ASC")
            .addOrderBy("i.id", "ASC")
            .getMany(),
        );
        for (const r of rows) {
          const k = progressKey(r.planId, r.unitId);
          const figures = {
            indicatorId: r.indicatorId,
            met: null,
            value: null,
            xaAssessed: r.xaAssessed,
            xaMet: r.xaMet,
          };
          append(groups, k, figures);
        }
      }
      return keys.map((k) => groups.get(k) ?? []);
    },
    { maxBatchSize: 1000 },
  );

/**
 * A commune's own indicator values for a plan, read from its records as they are (the roll-up
 * keeps no copy: rollup.sql.ts districtIndicatorsSql): the values of its assessments of the plan
 * year, of the commune set in force that year (the set the roll-up picks: the latest that covers
 * the year), in the set's order. A xã counts itself once (assessed) and once more when it met the
 * indicator, as in the districts' sums. One SELECT per plan for every commune of the request.
 */
export const communeIndicatorsByUnit = (ctx: Context) =>
  new DataLoader<string, IndicatorFigures[]>(
    async (keys) => {
      const groups = new Map<string, IndicatorFigures[]>();
      for (const [planId, ids] of splitKeys(keys)) {
        const rows = (await readFromReplica(ctx.ds, (m) =>
          m.query(
            `SELECT u.id AS unit_id, iv.indicator_id, iv.met, iv.value,
               (u.type = 'xa') AS xa_assessed, (u.type = 'xa' AND iv.met IS TRUE) AS xa_met
             FROM plan p
             JOIN admin_unit u ON u.id IN (?) AND u.depth = 2
             JOIN assessment a ON a.unit_id = u.id AND a.year = p.year
             JOIN criterion c ON c.id = a.criterion_id AND c.set_id = ${setInForceSql("commune", "p.year")}
             JOIN assessment_indicator iv ON iv.assessment_id = a.id
             JOIN indicator i ON i.id = iv.indicator_id
             WHERE p.id = ?
             ORDER BY u.id, c.no, i.ord, i.id`,
            [ids, planId],
          ),
        )) as Array<Record<string, string | number | null>>;
        for (const r of rows) {
          const figures: IndicatorFigures = {
            indicatorId: Number(r.indicator_id),
            met: r.met === null ? null : Number(r.met) === 1,
            value: r.value === null ? null : String(r.value),
            xaAssessed: Number(r.xa_assessed),
            xaMet: Number(r.xa_met),
          };
          const k = progressKey(planId, Number(r.unit_id));
          append(groups, k, figures);
        }
      }
      return keys.map((k) => groups.get(k) ?? []);
    },
    { maxBatchSize: 1000 },
  );
