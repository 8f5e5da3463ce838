import type { DataSource } from "typeorm";
import { loadProgressReport } from "../../src/rollup/progress-report";
import { createRollupScheduler } from "../../src/rollup/rollup-queue";
import { type RollupService, startRollupService } from "../../src/rollup/rollup-worker";
import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { toGlobalId } from "../../src/shared/ids";
import { startTestApp, type TestApp } from "../helpers/server";
import { waitForIdle } from "./helpers";
import { type ModelFigures, referenceModel } from "./reference-model";

/**
 * The seeded Bắc Kạn 2022 plan: after a scenario of recognitions, revocations, assessments and
 * assignment changes written to the database and announced to the roll-up scheduler, the
 * dashboard shows, at every level and for every target, what an independent row-by-row model of
 * the rules computes from the same tables.
 */
const TODAY = "2022-10-01";

const FIELDS = `unit { id } criteriaMet criteriaMetBaseline levelReached communesNtm communesNtmAtStart
  communesAdvancedNtm communesAdvancedNtmAtStart xaCount avgCriteriaPerXa communesGainedCriterion villagesNtm
  villagesNtmAtStart districtsCompleted tasks { assignmentsTotal assignmentsDone overdue doneOnTime doneLate }`;

async function ids(ds: DataSource, sql: string, args: unknown[] = []): Promise<number[]> {
  return ((await ds.query(sql, args)) as Array<{ id: number }>).map((r) => Number(r.id));
}

describe("progress of the seeded Bắc Kạn 2022 plan", () => {
  let app: TestApp;
  let worker: RollupService;
  let planId: number;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(`${TODAY}T03:00:00Z`) });
    await seedBacKan2022(app.db.ds);
    await seedCalendar(app.db.ds);
    planId = (await ids(app.db.ds, "SELECT id FROM plan WHERE number = '125/KH-UBND'"))[0];
    worker = await startRollupService(
      { ds: app.db.ds, clock: app.clock, timeZone: app.db.config.timeZone },
      { config: app.db.config, schedule: false },
    );
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  async function dashboard() {
    const r = await app.gql<{
      p: {
        scope: Record<string, unknown> & {
          children: Array<Record<string, unknown> & { children: Array<Record<string, unknown>> }>;
        };
        targets: Array<{
          target: { code: string; metric: string; targetKind: string; scopeUnit: { id: string } };
          targetValue: number | null;
          actual: number | null;
          percentAchieved: number | null;
          byUnit: Array<{ unit: { id: string }; target: number | null; actual: number | null }>;
        }>;
      };
    }>(
      `query($p: ID!) { p: planProgress(planId: $p) {
        scope { ${FIELDS} children { ${FIELDS} children { ${FIELDS} children { ${FIELDS} } } } }
        targets { target { code metric targetKind scopeUnit { id } } targetValue actual percentAchieved byUnit { unit { id } target actual } }
      } }`,
      { p: toGlobalId("Plan", planId) },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.p;
  }

  /** Every node of the dashboard tree against the model. */
  function expectMatches(node: Record<string, unknown>, model: Map<number, ModelFigures>, seen: Set<number>) {
    const id = Number(
      Buffer.from(String((node.unit as { id: string }).id), "base64url")
        .toString()
        .split(":")[1],
    );
    const m = model.get(id);
    expect([id, m]).not.toEqual([id, undefined]);
    seen.add(id);
    const avg = m!.xaCount > 0 ? Math.round((m!.xaCriteriaSum / m!.xaCount) * 100) / 100 : null;
    expect({ id, ...node, children: undefined, unit: undefined }).toEqual({
      id,
      criteriaMet: m!.criteriaMet,
      criteriaMetBaseline: m!.criteriaMetStart,
      levelReached: m!.levelReached,
      communesNtm: m!.communesNtm,
      communesNtmAtStart: m!.communesNtmStart,
      communesAdvancedNtm: m!.communesAdvancedNtm,
      communesAdvancedNtmAtStart: m!.communesAdvancedNtmStart,
      xaCount: m!.xaCount,
      avgCriteriaPerXa: avg,
      communesGainedCriterion: m!.communesGained,
      villagesNtm: m!.villagesNtm,
      villagesNtmAtStart: m!.villagesNtmStart,
      districtsCompleted: m!.districtsCompleted,
      tasks: {
        assignmentsTotal: m!.assignmentsTotal,
        assignmentsDone: m!.assignmentsDone,
        overdue: m!.overdue,
        doneOnTime: m!.doneOnTime,
        doneLate: m!.doneLate,
      },
      children: undefined,
      unit: undefined,
    });
    for (const c of (node.children as Array<Record<string, unknown>> | undefined) ?? [])
      expectMatches(c, model, seen);
  }

  /** What a target's metric reads on a model unit (written from the plan's wording, not from src). */
  function expectedActual(metric: string, m: ModelFigures): number | null {
    if (metric === "communes_ntm") return m.communesNtm - m.communesNtmStart;
    if (metric === "communes_advanced_ntm") return m.communesAdvancedNtm - m.communesAdvancedNtmStart;
    if (metric === "villages_ntm") return m.villagesNtm - m.villagesNtmStart;
    if (metric === "avg_criteria_xa")
      return m.xaCount ? Math.round((m.xaCriteriaSum / m.xaCount) * 100) / 100 : null;
    if (metric === "communes_gaining_criterion") return m.communesGained;
    if (metric === "district_criteria_met") return (m.criteriaMet ?? 0) - (m.criteriaMetStart ?? 0);
    if (metric === "district_completion") return m.districtsCompleted > 0 ? 1 : 0;
    throw new Error(`unknown metric ${metric}`);
  }

  async function checkDashboard() {
    const model = await referenceModel(app.db.ds, planId, TODAY);
    const p = await dashboard();
    const seen = new Set<number>();
    expectMatches(p.scope, model, seen);
    expect(seen.size).toBe(model.size);
    const gid = (id: string) => Number(Buffer.from(id, "base64url").toString().split(":")[1]);
    expect(p.targets.length).toBe(7);
    for (const t of p.targets) {
      const scope = model.get(gid(t.target.scopeUnit.id))!;
      expect([t.target.code, t.actual]).toEqual([t.target.code, expectedActual(t.target.metric, scope)]);
      for (const u of t.byUnit) {
        expect([t.target.code, gid(u.unit.id), u.actual]).toEqual([
          t.target.code,
          gid(u.unit.id),
          expectedActual(t.target.metric, model.get(gid(u.unit.id))!),
        ]);
      }
    }
    return { model, p };
  }

  it("starts from the seeded end-2021 state after a rebuild", async () => {
    const r = await app.gql<{ r: { userErrors: unknown[] } }>(
      `mutation($p: ID!) { r: rebuildProgress(planId: $p) { userErrors { code } planProgress { scope { communesNtm } } } }`,
      { p: toGlobalId("Plan", planId) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.r.userErrors).toEqual([]);
    const { model } = await checkDashboard();
    const province = model.get(
      (await ids(app.db.ds, "SELECT scope_unit_id id FROM plan WHERE id = ?", [planId]))[0],
    )!;
    // 96 xã in 2022 (Vân Tùng still a xã), 2 advanced NTM at the end of 2021 (Quang Thuận, Kim Lư).
    expect(province.xaCount).toBe(96);
    expect(province.communesAdvancedNtmStart).toBe(2);
  });

  it("after a scenario of changes, the dashboard shows the model's numbers for every unit and target", async () => {
    const ds = app.db.ds;
    const ntmAtStart = await ids(
      ds,
      `SELECT DISTINCT u.id FROM admin_unit u JOIN recognition r ON r.unit_id = u.id
       WHERE u.type = 'xa' AND r.level = 'ntm' AND (r.standard_year IS NULL OR r.standard_year <= 2021) ORDER BY u.id`,
    );
    const plainXa = await ids(
      ds,
      `SELECT u.id FROM admin_unit u WHERE u.type = 'xa' AND u.depth = 2 AND u.valid_to >= '2022-12-31'
       AND NOT EXISTS (SELECT 1 FROM recognition r WHERE r.unit_id = u.id) ORDER BY u.id`,
    );
    const [vanTung] = await ids(ds, "SELECT id FROM admin_unit WHERE name = 'Vân Tùng' AND type = 'xa'");
    const [phuong] = await ids(ds, "SELECT id FROM admin_unit WHERE type = 'phuong' ORDER BY id LIMIT 1");
    const [village] = await ids(ds, "SELECT id FROM admin_unit WHERE depth = 3 ORDER BY id LIMIT 1");
    const [bachThong] = await ids(ds, "SELECT id FROM admin_unit WHERE name = 'Bạch Thông' AND depth = 1");
    const [x1, x2, x3, x4, x5, x6] = [
      plainXa[0],
      plainXa[20],
      plainXa[21],
      plainXa[40],
      plainXa[50],
      plainXa[60],
    ];
    const rec = (unitId: number, level: string, standardYear: number | null, decidedOn: string | null) =>
      ds.query(
        "INSERT INTO recognition (unit_id, level, standard_year, decided_on, confidence) VALUES (?, ?, ?, ?, 'confirmed')",
        [unitId, level, standardYear, decidedOn],
      );
    await rec(x1, "ntm", 2022, "2022-09-20");
    await rec(x2, "ntm", 2022, "2022-09-20");
    await rec(x3, "ntm", null, "2022-09-28");
    await rec(x4, "ntm", 2023, "2023-02-01"); // next year's: not counted in 2022
    await rec(ntmAtStart[0], "advanced_ntm", 2022, "2022-09-21");
    await rec(village, "village_ntm", 2022, "2022-09-22");
    await ds.query(
      "UPDATE recognition SET revoked_on = '2022-09-25', revocation_decision_no = '1/QĐ-UBND' WHERE unit_id = ? AND level = 'ntm'",
      [ntmAtStart[1]],
    );
    const criteria = async (kind: string) =>
      ids(
        ds,
        "SELECT c.id FROM criterion c JOIN criteria_set s ON s.id = c.set_id WHERE s.kind = ? ORDER BY c.no",
        [kind],
      );
    const commune = await criteria("commune");
    const district = await criteria("district");
    const assess = async (unitId: number, year: number, list: number[], metCount: number, stage = "self") => {
      for (const [i, criterionId] of list.entries()) {
        await ds.query(
          "INSERT INTO assessment (unit_id, criterion_id, year, met, stage, confidence) VALUES (?, ?, ?, ?, ?, 'confirmed')",
          [unitId, criterionId, year, i < metCount ? 1 : 0, stage],
        );
      }
    };
    await assess(x1, 2021, commune.slice(0, 12), 12);
    await assess(x1, 2022, commune, 19, "province_appraised");
    await assess(x5, 2021, commune.slice(0, 8), 8);
    await assess(x5, 2022, commune.slice(0, 9), 8, "district_checked"); // no gain
    await assess(x6, 2022, commune.slice(0, 10), 10);
    await assess(vanTung, 2022, commune.slice(0, 6), 5);
    await assess(phuong, 2022, commune, 19); // a phường: outside the xã average
    await assess(bachThong, 2021, district.slice(0, 2), 2);
    await assess(bachThong, 2022, district.slice(0, 6), 5);
    const assignments = (await ds.query(
      "SELECT a.id, o.unit_id FROM assignment a JOIN organization o ON o.id = a.org_id ORDER BY a.id LIMIT 4",
    )) as Array<{ id: number; unit_id: number }>;
    await ds.query("UPDATE assignment SET status = 'approved', completed_on = '2022-09-01' WHERE id = ?", [
      assignments[0].id,
    ]);
    await ds.query("UPDATE assignment SET status = 'approved', completed_on = '2023-01-05' WHERE id = ?", [
      assignments[1].id,
    ]);
    await ds.query("UPDATE assignment SET status = 'cancelled' WHERE id = ?", [assignments[2].id]);
    await ds.query("UPDATE assignment SET due_date = '2022-09-15' WHERE id = ?", [assignments[3].id]);

    // Announced as the mutations do after commit; the worker rolls each unit and its ancestors up.
    const scheduler = createRollupScheduler(app.server.rollupQueue);
    await scheduler.unitsChanged(
      [
        x1,
        x2,
        x3,
        x4,
        x5,
        x6,
        ntmAtStart[0],
        ntmAtStart[1],
        village,
        vanTung,
        phuong,
        bachThong,
        ...assignments.map((a) => Number(a.unit_id)),
      ],
      "test scenario",
    );
    await waitForIdle(worker.queue);

    const { model, p } = await checkDashboard();
    const provinceId = (await ids(ds, "SELECT scope_unit_id id FROM plan WHERE id = ?", [planId]))[0];
    const province = model.get(provinceId)!;
    // The scenario's own arithmetic, as a reader of the plan would do it.
    expect(province.communesNtm - province.communesNtmStart).toBe(3 - 1 + 1); // x1, x2, x3; one revoked; Ngọc Phái (2022) seeded
    expect(province.communesAdvancedNtm - province.communesAdvancedNtmStart).toBe(1);
    expect(province.villagesNtm).toBe(1);
    expect(province.xaCriteriaSum).toBe(19 + 8 + 10 + 5);
    expect(province.communesGained).toBe(3); // x1, x6, Vân Tùng
    expect(model.get(bachThong)!.criteriaMet).toBe(5);
    const byCode = new Map(p.targets.map((t) => [t.target.code, t]));
    expect(byCode.get("NEW_NTM_COMMUNES")!.actual).toBe(3);
    expect(
      byCode.get("AVG_CRITERIA")?.actual ??
        p.targets.find((t) => t.target.metric === "avg_criteria_xa")!.actual,
    ).toBe(Math.round((42 / 96) * 100) / 100);

    // The Excel export's value is built from the same rows.
    const report = await loadProgressReport(ds, planId);
    expect(report.province.communesNtm).toBe(province.communesNtm);
    expect(report.province.avgCriteriaPerXa).toBe(Math.round((42 / 96) * 100) / 100);
    expect(report.districts.map((d) => d.communes.length).reduce((a, b) => a + b, 0)).toBe(108); // 96 xã, 6 phường, 6 thị trấn in 2022
    const x1Row = report.districts.flatMap((d) => d.communes).find((c) => c.unitId === x1)!;
    expect([x1Row.criteriaMet, x1Row.criteriaMetBaseline, x1Row.level]).toEqual([19, 12, "ntm"]);
    expect(x1Row.criteria.every((c) => c.met === true)).toBe(true);
    expect(report.targets.map((t) => t.code)).toEqual(p.targets.map((t) => t.target.code));
  });
});
