/**
 * The idempotent seed of Bắc Kạn's 2022 New Rural Development plan (Kế hoạch 125/KH-UBND of
 * 25/02/2022) from the reference data in ./data. One transaction; every row is looked up by its
 * natural key and inserted only when missing, so a second run changes nothing.
 */
import type { DataSource } from "typeorm";
import { Plan } from "../plans/plan.entity";
import { unitsChanged } from "../units/unit.directory";
import { Unit } from "../units/unit.entity";
import { SeedContext, type SeedSummary } from "./seed-context";
import { seedCriteria } from "./seed-criteria";
import { seedFunding } from "./seed-funding";
import { seedOrganizations } from "./seed-organizations";
import { seedPlan } from "./seed-plan";
import { seedRecognitions } from "./seed-recognitions";
import { seedRoadmap } from "./seed-roadmap";
import { seedTaskGroups, seedTasks } from "./seed-tasks";
import { seedReferenceSources, seedUnits } from "./seed-units";

export type { SeedSummary } from "./seed-context";

/** Seed the 2022 plan; returns the rows inserted per table (all zero when it was already seeded). */
export async function seedBacKan2022(ds: DataSource): Promise<SeedSummary> {
  const summary = await ds.transaction(async (manager) => {
    const ctx = new SeedContext(manager);
    await seedReferenceSources(ctx);
    const units = await seedUnits(ctx);
    const orgs = await seedOrganizations(ctx, units);
    await seedCriteria(ctx);
    const { plan, targets } = await seedPlan(ctx, units, orgs);
    const groups = await seedTaskGroups(ctx, plan);
    await seedRoadmap(ctx, units, plan);
    await seedTasks(ctx, units, orgs, plan, groups, targets);
    await seedRecognitions(ctx, units);
    await seedFunding(ctx, units, plan);
    return ctx.summary;
  });
  // This process reads the new units at once (units/unit.directory.ts); others see the version move.
  unitsChanged(ds);
  return summary;
}

/** True when the database holds no plan and no unit (a fresh install the API may seed). */
export async function isDatabaseEmpty(ds: DataSource): Promise<boolean> {
  const [plans, units] = await Promise.all([ds.getRepository(Plan).count(), ds.getRepository(Unit).count()]);
  return plans === 0 && units === 0;
}
