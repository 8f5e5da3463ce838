import fc from "fast-check";
import type { DataSource } from "typeorm";
import { CriteriaSetKind } from "../../src/criteria/criteria.enums";
import { CriteriaSet } from "../../src/criteria/criteria-set.entity";
import { Criterion, Indicator } from "../../src/criteria/criterion.entity";
import { createRollupQueue, createRollupScheduler, type RollupQueue } from "../../src/rollup/rollup-queue";
import { rebuildAllPlans, rebuildPlanProgress } from "../../src/rollup/rollup.service";
import { type RollupService, startRollupService } from "../../src/rollup/rollup-worker";
import { FixedClock } from "../../src/shared/clock";
import type { Unit } from "../../src/units/unit.entity";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, type Tree } from "../factories";
import { createTestDb, type TestDb } from "../helpers/db";
import { waitForIdle } from "./helpers";
import { type ModelIndicator, referenceIndicators } from "./reference-model";

/**
 * Random sequences of changes (assessments with indicator values, recognitions, revocations,
 * assignment states, units closing and reopening, disbursements recorded and removed), each
 * announced to the roll-up scheduler as the mutations do and
 * processed by a real BullMQ worker, stopped and replaced by a new one mid-sequence, leave
 * exactly the tables a full rebuild writes, table by table. Two plans overlap: the province's for
 * 2022 and one district's for 2023 (a scope at another depth, another year), so one roll-up
 * covers both and the full rebuild runs them in batches of their own.
 */
type Change =
  | {
      kind: "assess";
      unit: number;
      criterion: number;
      year: number;
      met: boolean;
      values: Array<{ indicator: number; met: boolean | null; value: string | null }>;
    }
  | { kind: "recognize"; unit: number; level: string; year: number | null; decided: string | null }
  | { kind: "revoke"; pick: number; on: string }
  | { kind: "assignment"; pick: number; status: string; completed: string | null; due: string | null }
  | { kind: "closeUnit"; unit: number; closed: boolean }
  | {
      kind: "disburse";
      plan: number;
      unit: number | null;
      source: string;
      amount: string;
      withAllocation: boolean;
    }
  | { kind: "undisburse"; pick: number };

const TABLES: Record<string, string> = {
  progress_unit: "SELECT * FROM progress_unit ORDER BY plan_id, unit_id",
  progress_org: "SELECT * FROM progress_org ORDER BY plan_id, org_id",
  progress_funding: "SELECT * FROM progress_funding ORDER BY plan_id, unit_id, source",
  progress_indicator: "SELECT * FROM progress_indicator ORDER BY plan_id, unit_id, indicator_id",
};

async function tables(ds: DataSource): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) {
    out[name] = ((await ds.query(sql)) as Array<Record<string, unknown>>).map(
      ({ computed_at: _c, ...r }) => r,
    );
  }
  return out;
}

describe("incremental roll-up equals a full rebuild", () => {
  let db: TestDb;
  let tree: Tree;
  let units: Unit[];
  let planId: number;
  let districtPlanId: number;
  let queue: RollupQueue;
  let worker: RollupService | null = null;
  const clock = new FixedClock(new Date("2022-10-01T03:00:00Z"));
  const criteria: Record<number, number[]> = {};
  /** Indicators per criterion id (the first two criteria of every set have two each). */
  const indicators = new Map<number, number[]>();
  const assignmentIds: number[] = [];
  const assignmentUnit = new Map<number, number>();
  /** The province plan's provincial allocation (to a commune), which disbursements may draw on. */
  const allocationIds: number[] = [];

  const deps = () => ({ ds: db.ds, clock, timeZone: db.config.timeZone });
  const startWorker = () =>
    startRollupService(deps(), { config: db.config, schedule: false, concurrency: 3 });

  beforeAll(async () => {
    db = await createTestDb();
    const ds = db.ds;
    tree = await makeTree(ds, 2, 3, 2, "Cuộn");
    units = [tree.province, ...tree.districts, ...tree.communes.flat(), ...tree.villages.flat(2)];
    // A phường among the communes: outside the xã average.
    await ds.query("UPDATE admin_unit SET type = 'phuong' WHERE id = ?", [tree.communes[1][2].id]);
    for (const [depth, kind, n] of [
      [1, CriteriaSetKind.DISTRICT, 2],
      [2, CriteriaSetKind.COMMUNE, 4],
      [3, CriteriaSetKind.VILLAGE, 3],
    ] as const) {
      const set = await ds.getRepository(CriteriaSet).save({
        code: `P${kind}`,
        kind,
        name: kind,
        decision: "QĐ thử",
        periodStartYear: 2021,
        criteriaCount: n,
        sources: [],
      });
      criteria[depth] = [];
      for (let no = 1; no <= n; no++) {
        const id = (
          await ds.getRepository(Criterion).save({ setId: set.id, no, name: `Tiêu chí ${no}`, sources: [] })
        ).id;
        criteria[depth].push(id);
        if (no > 2) continue;
        const list: number[] = [];
        // Saved in reverse order: the roll-up lists them by their order, not their id.
        for (const ord of [2, 1]) {
          list.unshift(
            (
              await ds
                .getRepository(Indicator)
                .save({ criterionId: id, code: `${no}.${ord}`, ord, name: `Chỉ tiêu ${no}.${ord}` })
            ).id,
          );
        }
        indicators.set(id, list);
      }
    }
    const plan = await makePlan(ds, { scope: tree.province });
    planId = plan.id;
    const districtPlan = await makePlan(ds, { scope: tree.districts[0], year: 2023 });
    districtPlanId = districtPlan.id;
    const office = await makeOrg(ds, { unit: tree.province });
    for (const u of [tree.province, ...tree.districts, ...tree.communes.flat()]) {
      const org = u.id === tree.province.id ? office : await makeOrg(ds, { unit: u });
      const inDistrict = u.path.startsWith(tree.districts[0].path);
      for (const p of inDistrict ? [plan, districtPlan, plan] : [plan, plan]) {
        const task = await makeTask(ds, { plan: p, lead: org, dueDate: "2022-11-30" });
        const a = await makeAssignment(ds, { task, org, assigner: office });
        assignmentIds.push(a.id);
        assignmentUnit.set(a.id, u.id);
      }
    }
    await ds.query(
      "INSERT INTO funding_allocation (plan_id, year, source, recipient_unit_id, amount_vnd, amount_qualifier, description, confidence) VALUES (?, 2022, 'provincial', ?, 1000, 'exact', 'x', 'confirmed'), (?, 2022, 'central_ntm', NULL, 5000, 'at_least', 'y', 'confirmed'), (?, 2023, 'district', ?, 700, 'exact', 'z', 'confirmed')",
      [planId, tree.communes[0][1].id, planId, districtPlanId, tree.communes[0][0].id],
    );
    allocationIds.push(
      ...(
        (await ds.query("SELECT id FROM funding_allocation WHERE plan_id = ? AND source = 'provincial'", [
          planId,
        ])) as Array<{ id: number }>
      ).map((r) => Number(r.id)),
    );
    queue = createRollupQueue(db.config, "producer");
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await db?.drop();
  });

  /** Writes one change straight to the tables; returns the unit whose roll-up it calls for. */
  async function apply(c: Change): Promise<number | null> {
    const ds = db.ds;
    switch (c.kind) {
      case "assess": {
        const u = units[c.unit % units.length];
        const list = criteria[u.depth];
        if (!list) return null;
        const criterionId = list[c.criterion % list.length];
        await ds.query(
          `INSERT INTO assessment (unit_id, criterion_id, year, met, confidence) VALUES (?, ?, ?, ?, 'confirmed')
           ON DUPLICATE KEY UPDATE met = VALUES(met)`,
          [u.id, criterionId, c.year, c.met ? 1 : 0],
        );
        // The assessment's values are replaced, as recordAssessment does.
        const [{ id }] = (await ds.query(
          "SELECT id FROM assessment WHERE unit_id = ? AND criterion_id = ? AND year = ?",
          [u.id, criterionId, c.year],
        )) as Array<{ id: number }>;
        await ds.query("DELETE FROM assessment_indicator WHERE assessment_id = ?", [id]);
        const own = indicators.get(criterionId) ?? [];
        const given = new Map(own.length ? c.values.map((v) => [own[v.indicator % own.length], v]) : []);
        for (const [indicatorId, v] of given) {
          await ds.query(
            "INSERT INTO assessment_indicator (assessment_id, indicator_id, met, value) VALUES (?, ?, ?, ?)",
            [id, indicatorId, v.met === null ? null : v.met ? 1 : 0, v.value],
          );
        }
        return u.id;
      }
      case "recognize": {
        const u = units[c.unit % units.length];
        await ds.query(
          "INSERT INTO recognition (unit_id, level, standard_year, decided_on, confidence) VALUES (?, ?, ?, ?, 'confirmed')",
          [u.id, c.level, c.year, c.decided],
        );
        return u.id;
      }
      case "revoke": {
        const rows = (await ds.query("SELECT id, unit_id FROM recognition ORDER BY id")) as Array<{
          id: number;
          unit_id: number;
        }>;
        if (rows.length === 0) return null;
        const r = rows[c.pick % rows.length];
        await ds.query("UPDATE recognition SET revoked_on = ? WHERE id = ?", [c.on, r.id]);
        return Number(r.unit_id);
      }
      case "assignment": {
        const id = assignmentIds[c.pick % assignmentIds.length];
        await ds.query("UPDATE assignment SET status = ?, completed_on = ?, due_date = ? WHERE id = ?", [
          c.status,
          c.completed,
          c.due,
          id,
        ]);
        return assignmentUnit.get(id)!;
      }
      case "disburse": {
        // Without a unit: the plan as a whole (rolled up from its scope unit).
        const [pid, scope] = c.plan === 0 ? [planId, tree.province] : [districtPlanId, tree.districts[0]];
        const inScope = units.filter((u) => u.path.startsWith(scope.path));
        const u = c.unit === null ? null : inScope[c.unit % inScope.length];
        const draws = c.withAllocation && pid === planId && c.source === "provincial";
        await ds.query(
          "INSERT INTO funding_disbursement (plan_id, allocation_id, source, recipient_unit_id, amount_vnd, disbursed_on, reference) VALUES (?, ?, ?, ?, ?, '2022-09-01', 'Chứng từ thử')",
          [pid, draws ? allocationIds[0] : null, c.source, u?.id ?? null, c.amount],
        );
        return u?.id ?? scope.id;
      }
      case "undisburse": {
        const rows = (await ds.query(
          "SELECT d.id, COALESCE(d.recipient_unit_id, p.scope_unit_id) AS unit_id FROM funding_disbursement d JOIN plan p ON p.id = d.plan_id ORDER BY d.id",
        )) as Array<{ id: number; unit_id: number }>;
        if (rows.length === 0) return null;
        const r = rows[c.pick % rows.length];
        await ds.query("DELETE FROM funding_disbursement WHERE id = ?", [r.id]);
        return Number(r.unit_id);
      }
      case "closeUnit": {
        const u = tree.communes.flat()[c.unit % tree.communes.flat().length];
        await ds.query("UPDATE admin_unit SET valid_to = ? WHERE id = ?", [
          c.closed ? "2022-06-30" : null,
          u.id,
        ]);
        return u.id;
      }
    }
  }

  const date = fc.constantFrom(
    "2021-06-01",
    "2022-03-10",
    "2022-09-30",
    "2022-10-01",
    "2022-10-02",
    "2023-01-15",
  );
  const values = (minLength: number) =>
    fc.array(
      fc.record({
        indicator: fc.nat(3),
        met: fc.option(fc.boolean(), { nil: null }),
        value: fc.option(fc.constantFrom("0", "12.5", "100"), { nil: null }),
      }),
      { minLength, maxLength: 3 },
    );
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc.record({
      kind: fc.constant("assess" as const),
      unit: fc.nat(40),
      criterion: fc.nat(5),
      year: fc.constantFrom(2021, 2022, 2023),
      met: fc.boolean(),
      values: values(0),
    }),
    // A commune (units 3–8, the phường among them) recording indicator values of the plans' years.
    fc.record({
      kind: fc.constant("assess" as const),
      unit: fc.integer({ min: 3, max: 8 }),
      criterion: fc.nat(1),
      year: fc.constantFrom(2022, 2023),
      met: fc.boolean(),
      values: values(1),
    }),
    fc.record({
      kind: fc.constant("recognize" as const),
      unit: fc.nat(40),
      level: fc.constantFrom(
        "ntm",
        "advanced_ntm",
        "model_ntm",
        "village_ntm",
        "district_ntm",
        "district_completion",
      ),
      year: fc.option(fc.constantFrom(2020, 2021, 2022, 2023), { nil: null }),
      decided: fc.option(date, { nil: null }),
    }),
    fc.record({ kind: fc.constant("revoke" as const), pick: fc.nat(20), on: date }),
    fc.record({
      kind: fc.constant("assignment" as const),
      pick: fc.nat(40),
      status: fc.constantFrom(
        "assigned",
        "accepted",
        "in_progress",
        "reported",
        "approved",
        "cancelled",
        "paused",
      ),
      completed: fc.option(date, { nil: null }),
      due: fc.option(date, { nil: null }),
    }),
    fc.record({ kind: fc.constant("closeUnit" as const), unit: fc.nat(10), closed: fc.boolean() }),
    fc.record({
      kind: fc.constant("disburse" as const),
      plan: fc.constantFrom(0, 0, 1),
      unit: fc.option(fc.nat(40), { nil: null }),
      source: fc.constantFrom("provincial", "central_ntm", "district", "credit"),
      amount: fc.constantFrom("1", "250000000", "99999999999999999999"),
      withAllocation: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("undisburse" as const), pick: fc.nat(20) }),
  );

  it("over random change sequences, with the worker replaced mid-sequence", async () => {
    const scheduler = createRollupScheduler(queue);
    const funding = { drawn: 0, unallocated: 0 };
    // Runs whose indicators reached a district (so the property is not vacuous for them).
    let runsWithDistrictIndicators = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 1, maxLength: 12 }),
        fc.nat(12),
        async (changes, restartAt) => {
          const ds = db.ds;
          // Each run starts from the same facts and a rebuilt roll-up.
          await ds.query("DELETE FROM assessment");
          await ds.query("DELETE FROM recognition");
          await ds.query("DELETE FROM funding_disbursement");
          await ds.query("UPDATE admin_unit SET valid_to = NULL");
          await ds.query(
            "UPDATE assignment SET status = 'accepted', completed_on = NULL, due_date = '2022-11-30'",
          );
          await rebuildAllPlans(deps());
          worker ??= await startWorker();
          for (const [i, c] of changes.entries()) {
            if (i === restartAt % changes.length) {
              // Stop the worker (it finishes the job in hand) and go on without one for a while.
              await worker?.close();
              worker = null;
            }
            const unitId = await apply(c);
            if (unitId !== null) await scheduler.unitsChanged([unitId], c.kind);
            if (worker === null && i >= (restartAt % changes.length) + 1) worker = await startWorker();
          }
          worker ??= await startWorker();
          await waitForIdle(queue);
          const incremental = await tables(ds);
          await rebuildAllPlans(deps());
          const rebuilt = await tables(ds);
          for (const name of Object.keys(TABLES))
            expect([name, incremental[name]]).toEqual([name, rebuilt[name]]);
          if ((rebuilt.progress_indicator as Array<{ depth: number }>).some((r) => Number(r.depth) === 1))
            runsWithDistrictIndicators += 1;
          // The indicators as the row-by-row model has them, for both plans.
          for (const p of [planId, districtPlanId]) {
            const got = new Map<number, ModelIndicator[]>();
            for (const r of rebuilt.progress_indicator as Array<Record<string, unknown>>) {
              if (Number(r.plan_id) !== p) continue;
              const list = got.get(Number(r.unit_id)) ?? [];
              list.push({
                indicatorId: Number(r.indicator_id),
                // Districts and the province: counts only (a commune's values are its records).
                met: null,
                value: null,
                xaAssessed: Number(r.xa_assessed),
                xaMet: Number(r.xa_met),
              });
              got.set(Number(r.unit_id), list);
            }
            // The table holds the districts' and the province's counts; a commune's own values are
            // its records, read as they are (test/rollup/indicators.test.ts checks them on the dashboard).
            const depthOf = new Map(
              (
                (await ds.query("SELECT id, depth FROM admin_unit")) as Array<{ id: number; depth: number }>
              ).map((u) => [Number(u.id), Number(u.depth)]),
            );
            const model = new Map(
              [...(await referenceIndicators(ds, p, "2022-10-01"))].filter(
                ([unitId]) => depthOf.get(unitId)! < 2,
              ),
            );
            for (const [unitId, expected] of model) {
              const mine = [...(got.get(unitId) ?? [])].sort(
                (a, b) =>
                  expected.findIndex((e) => e.indicatorId === a.indicatorId) -
                  expected.findIndex((e) => e.indicatorId === b.indicatorId),
              );
              expect([p, unitId, mine]).toEqual([p, unitId, expected]);
            }
            for (const unitId of got.keys())
              expect([p, unitId, model.has(unitId)]).toEqual([p, unitId, true]);
          }
          // Both plans are in play: the district's 2023 plan has rows of its own.
          expect(
            rebuilt.progress_unit.some((r) => Number((r as { plan_id: number }).plan_id) === districtPlanId),
          ).toBe(true);
          for (const r of rebuilt.progress_funding as Array<{ allocations: number; disbursements: number }>)
            if (Number(r.disbursements) > 0)
              funding[Number(r.allocations) > 0 ? "drawn" : "unallocated"] += 1;
        },
      ),
      { numRuns: 25, seed: 20221001, endOnFailure: true },
    );
    // Disbursements were in play: against allocated sources, and from sources without allocations.
    expect(funding.drawn).toBeGreaterThan(0);
    expect(funding.unallocated).toBeGreaterThan(0);
    expect(runsWithDistrictIndicators).toBeGreaterThan(3);
  }, 240_000);

  it("collapses a burst of changes to one unit into one job", async () => {
    await worker?.close();
    worker = null;
    const scheduler = createRollupScheduler(queue);
    const commune = tree.communes[0][0];
    await db.ds.query("DELETE FROM assessment");
    await rebuildPlanProgress(deps(), planId);
    for (let i = 0; i < criteria[2].length; i++) {
      await db.ds.query(
        "INSERT INTO assessment (unit_id, criterion_id, year, met, confidence) VALUES (?, ?, 2022, 1, 'confirmed')",
        [commune.id, criteria[2][i]],
      );
      await Promise.all(Array.from({ length: 10 }, () => scheduler.unitsChanged([commune.id], "burst")));
    }
    expect(await queue.getJobCounts("waiting")).toEqual({ waiting: 1 });
    worker = await startWorker();
    await waitForIdle(queue);
    const [row] = await db.ds.query(
      "SELECT criteria_met FROM progress_unit WHERE plan_id = ? AND unit_id = ?",
      [planId, commune.id],
    );
    expect(Number(row.criteria_met)).toBe(criteria[2].length);
  });
});
