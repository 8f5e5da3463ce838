import type { DataSource } from "typeorm";
import { CriteriaSetKind } from "../../src/criteria/criteria.enums";
import { Indicator } from "../../src/criteria/criterion.entity";
import { createRollupScheduler } from "../../src/rollup/rollup-queue";
import { rebuildPlanProgress } from "../../src/rollup/rollup.service";
import { type RollupService, startRollupService } from "../../src/rollup/rollup-worker";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Unit } from "../../src/units/unit.entity";
import { makeCriteriaSet } from "../criteria/fixtures";
import { makeOrg, makePlan, makeTree, makeUser, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { waitForIdle } from "./helpers";
import { referenceIndicators } from "./reference-model";

/**
 * Communes record their assessments with indicator values over HTTP; the roll-up (the real worker,
 * fed by the mutations) writes progress_indicator, and the dashboard shows each commune's own
 * values and, for the districts and the province, the xã that recorded a value and met it; the
 * rows equal what a full rebuild writes and what the row-by-row reference model computes.
 */
const TODAY = "2022-10-01";
const RECORD = `mutation($i: RecordAssessmentInput!) { r: recordAssessment(input: $i) {
  assessment { id version } userErrors { code message } } }`;
const IND = "indicators { indicator { code } met value xaAssessed xaMet }";
const DASHBOARD = `query($p: ID!) { p: planProgress(planId: $p) { scope {
  unit { id } ${IND} children { unit { id } ${IND} children { unit { id } ${IND} } } } } }`;

interface IndicatorOut {
  indicator: { code: string };
  met: boolean | null;
  value: string | null;
  xaAssessed: number;
  xaMet: number;
}
interface NodeOut {
  unit: { id: string };
  indicators: IndicatorOut[];
  children?: NodeOut[];
}

const TABLE = "SELECT * FROM progress_indicator ORDER BY plan_id, unit_id, indicator_id";

async function rows(ds: DataSource): Promise<unknown[]> {
  return ((await ds.query(TABLE)) as Array<Record<string, unknown>>).map(({ computed_at: _c, ...r }) => r);
}

describe("indicator roll-up", () => {
  let app: TestApp;
  let worker: RollupService;
  let tree: Tree;
  let planId: number;
  let criteria: number[];
  const ind: Record<string, number> = {};
  const tokens = new Map<number, string>();

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(`${TODAY}T03:00:00Z`) });
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 3, 0, "Chỉ tiêu");
    // A phường: its own row keeps its values, the xã counts above leave it out.
    await ds.query("UPDATE admin_unit SET type = 'phuong' WHERE id = ?", [tree.communes[1][2].id]);
    const set = await makeCriteriaSet(ds, CriteriaSetKind.COMMUNE, 3);
    criteria = set.criteria.map((c) => c.id);
    for (const i of set.indicators) ind[i.code] = i.id;
    ind["2.1"] = (
      await ds
        .getRepository(Indicator)
        .save({ criterionId: criteria[1], code: "2.1", ord: 1, name: "Chỉ tiêu 2.1" })
    ).id;
    planId = (await makePlan(ds, { scope: tree.province })).id;
    for (const c of tree.communes.flat()) {
      const org = await makeOrg(ds, { unit: c });
      tokens.set(c.id, await app.tokenFor(await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] })));
    }
    worker = await startRollupService(
      { ds, clock: app.clock, timeZone: app.db.config.timeZone },
      { config: app.db.config, schedule: false },
    );
    await rebuildPlanProgress({ ds, clock: app.clock, timeZone: app.db.config.timeZone }, planId);
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  async function record(
    unit: Unit,
    criterion: number,
    year: number,
    met: boolean,
    values: Array<{ code: string; met?: boolean | null; value?: string | null }>,
    version?: number,
  ): Promise<number> {
    const r = await app.gqlAs<{ r: { assessment: { version: number } | null; userErrors: unknown[] } }>(
      tokens.get(unit.id)!,
      RECORD,
      {
        i: {
          unitId: toGlobalId("Unit", unit.id),
          criterionId: toGlobalId("Criterion", criterion),
          year,
          met,
          version,
          indicatorValues: values.map((v) => ({
            indicatorId: toGlobalId("Indicator", ind[v.code]),
            met: v.met,
            value: v.value,
          })),
        },
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.r.userErrors).toEqual([]);
    return r.data!.r.assessment!.version;
  }

  /** The dashboard's indicators per unit id, with the number of statements it took. */
  async function dashboard(): Promise<{ byUnit: Map<number, IndicatorOut[]>; statements: string[] }> {
    app.db.sql.reset();
    const r = await app.gql<{ p: { scope: NodeOut } }>(DASHBOARD, { p: toGlobalId("Plan", planId) });
    const statements = [...app.db.sql.statements];
    expect(r.errors).toBeUndefined();
    const byUnit = new Map<number, IndicatorOut[]>();
    const walk = (n: NodeOut) => {
      byUnit.set(Number(Buffer.from(n.unit.id, "base64url").toString().split(":")[1]), n.indicators);
      for (const c of n.children ?? []) walk(c);
    };
    walk(r.data!.p.scope);
    return { byUnit, statements };
  }

  const one = (
    code: string,
    met: boolean | null,
    value: string | null,
    xaAssessed: number,
    xaMet: number,
  ) => ({
    indicator: { code },
    met,
    value,
    xaAssessed,
    xaMet,
  });
  const sum = (code: string, xaAssessed: number, xaMet: number) => one(code, null, null, xaAssessed, xaMet);

  /** The dashboard against the reference model, and the incremental rows against a full rebuild. */
  async function expectConsistent(byUnit: Map<number, IndicatorOut[]>): Promise<void> {
    const model = await referenceIndicators(app.db.ds, planId, TODAY);
    for (const u of [tree.province, ...tree.districts, ...tree.communes.flat()]) {
      const codes = new Map(Object.entries(ind).map(([code, id]) => [id, code]));
      // A unit out of the roll-up (closed) is neither in the model nor on the dashboard.
      const expected = model.get(u.id)?.map((m) =>
        // The API writes decimals without trailing zeros ("40.0000" → "40").
        one(codes.get(m.indicatorId)!, m.met, m.value?.replace(/\.?0+$/, "") ?? null, m.xaAssessed, m.xaMet),
      );
      expect([u.name, byUnit.get(u.id)]).toEqual([u.name, expected]);
    }
    const incremental = await rows(app.db.ds);
    await rebuildPlanProgress({ ds: app.db.ds, clock: app.clock, timeZone: app.db.config.timeZone }, planId);
    expect(await rows(app.db.ds)).toEqual(incremental);
  }

  it("shows each commune's values and the xã counts of districts and the province", async () => {
    const [[c00, c01, c02], [c10, , p12]] = tree.communes;
    await record(c00, criteria[0], 2022, false, [
      { code: "1.1", met: true, value: "95.5" },
      { code: "1.2", met: false, value: "40" },
    ]);
    await record(c00, criteria[1], 2022, true, [{ code: "2.1", met: true }]);
    // A value without a verdict: assessed, not met.
    await record(c01, criteria[0], 2022, true, [
      { code: "1.1", met: true, value: "80" },
      { code: "1.2", value: "12.25" },
    ]);
    // Last year's values do not count for the 2022 plan.
    await record(c02, criteria[0], 2021, true, [{ code: "1.1", met: true, value: "99" }]);
    await record(c10, criteria[0], 2022, false, [{ code: "1.1", met: false, value: "10" }]);
    await record(p12, criteria[0], 2022, true, [{ code: "1.1", met: true, value: "100" }]);
    await record(p12, criteria[1], 2022, true, [{ code: "2.1", met: true }]);
    await waitForIdle(worker.queue);

    const { byUnit, statements } = await dashboard();
    expect(byUnit.get(c00.id)).toEqual([
      one("1.1", true, "95.5", 1, 1),
      one("1.2", false, "40", 1, 0),
      one("2.1", true, null, 1, 1),
    ]);
    expect(byUnit.get(c01.id)).toEqual([one("1.1", true, "80", 1, 1), one("1.2", null, "12.25", 1, 0)]);
    expect(byUnit.get(c02.id)).toEqual([]);
    expect(byUnit.get(c10.id)).toEqual([one("1.1", false, "10", 1, 0)]);
    expect(byUnit.get(p12.id)).toEqual([one("1.1", true, "100", 0, 0), one("2.1", true, null, 0, 0)]);
    expect(byUnit.get(tree.districts[0].id)).toEqual([sum("1.1", 2, 2), sum("1.2", 2, 0), sum("2.1", 1, 1)]);
    // Only the phường gave 2.1 in the second district: no row.
    expect(byUnit.get(tree.districts[1].id)).toEqual([sum("1.1", 1, 0)]);
    expect(byUnit.get(tree.province.id)).toEqual([sum("1.1", 3, 2), sum("1.2", 2, 0), sum("2.1", 1, 1)]);
    // Batched, one statement per level of the tree: the province's and the districts' counts from
    // the roll-up table, the communes' own values from their records; the indicators themselves at
    // most once per level.
    expect(statements.filter((s) => /progress_indicator/.test(s))).toHaveLength(2);
    expect(statements.filter((s) => /JOIN assessment_indicator/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /FROM `indicator`/.test(s)).length).toBeLessThanOrEqual(3);
    await expectConsistent(byUnit);
  });

  it("follows a commune replacing its values, and a commune closing", async () => {
    const [[c00, c01]] = tree.communes;
    const [{ version }] = (await app.db.ds.query(
      "SELECT version FROM assessment WHERE unit_id = ? AND criterion_id = ? AND year = 2022",
      [c00.id, criteria[0]],
    )) as Array<{ version: number }>;
    // 1.2 is dropped, 1.1 no longer met.
    await record(c00, criteria[0], 2022, false, [{ code: "1.1", met: false, value: "60" }], version);
    await waitForIdle(worker.queue);
    let { byUnit } = await dashboard();
    expect(byUnit.get(c00.id)).toEqual([one("1.1", false, "60", 1, 0), one("2.1", true, null, 1, 1)]);
    expect(byUnit.get(tree.districts[0].id)).toEqual([sum("1.1", 2, 1), sum("1.2", 1, 0), sum("2.1", 1, 1)]);
    expect(byUnit.get(tree.province.id)).toEqual([sum("1.1", 3, 1), sum("1.2", 1, 0), sum("2.1", 1, 1)]);
    await expectConsistent(byUnit);

    // A commune merged away before the as-of date leaves the roll-up with its values.
    await app.db.ds.query("UPDATE admin_unit SET valid_to = '2022-06-30' WHERE id = ?", [c01.id]);
    await createRollupScheduler(app.server.rollupQueue).unitsChanged([c01.id], "test");
    await waitForIdle(worker.queue);
    ({ byUnit } = await dashboard());
    expect(byUnit.has(c01.id)).toBe(false);
    expect(byUnit.get(tree.districts[0].id)).toEqual([sum("1.1", 1, 0), sum("2.1", 1, 1)]);
    expect(byUnit.get(tree.province.id)).toEqual([sum("1.1", 2, 0), sum("2.1", 1, 1)]);
    expect(await app.db.ds.query("SELECT 1 FROM progress_indicator WHERE unit_id = ?", [c01.id])).toEqual([]);
    await expectConsistent(byUnit);
  });
});
