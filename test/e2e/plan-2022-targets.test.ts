import ExcelJS from "exceljs";
import type { DataSource } from "typeorm";
import { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import {
  BY_DISTRICT_SHEET,
  COMMUNE_HEAD,
  COMMUNE_TOTAL_LABEL,
  HEADER_ROW,
  LEVEL_LABEL,
  MET,
  NOT_ASSESSED,
  NOT_MET,
  NO_LEVEL,
  SUMMARY_SHEET,
} from "../../src/reports/progress-workbook";
import { type RollupService, startRollupService } from "../../src/rollup/rollup-worker";
import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { COORDINATION_OFFICE_CODE } from "../../src/seed/seed-organizations";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeUnit, makeUser } from "../factories";
import { Unit } from "../../src/units/unit.entity";
import { UnitType } from "../../src/units/unit.enums";
import { startTestApp, type TestApp } from "../helpers/server";
import { waitForIdle } from "../rollup/helpers";
import { type ModelFigures, referenceModel } from "../rollup/reference-model";

/**
 * Issue #6, first "Done when": the seeded Bắc Kạn 2022 plan tracked from its end-2021 state.
 * A scenario is recorded through the GraphQL API by the users whose job it is (commune officers
 * assess, district officers check and recognize villages, the coordination office appraises and
 * records the chairman's decisions); the real roll-up worker drains its queue; then the dashboard
 * (planProgress, unitProgress, progressUnits) shows, for every target and at every level, what
 * the scenario's own arithmetic and an independent row-by-row model (test/rollup/reference-model)
 * compute; and the Excel export downloaded over HTTP shows the same numbers cell by cell.
 */
const TODAY = "2022-10-01";
const FIELDS = `unit { id } criteriaMet criteriaMetBaseline levelReached communesNtm communesNtmAtStart
  communesAdvancedNtm communesAdvancedNtmAtStart xaCount avgCriteriaPerXa communesGainedCriterion villagesNtm
  villagesNtmAtStart districtsCompleted`;

type Node = Record<string, unknown> & { unit: { id: string } };
type UserErrors = Array<{ code: string; message: string }>;

const gidNum = (id: string) => Number(Buffer.from(id, "base64url").toString().split(":")[1]);
const avg = (m: ModelFigures) =>
  m.xaCount > 0 ? Math.round((m.xaCriteriaSum / m.xaCount) * 100) / 100 : null;

async function one<T>(ds: DataSource, sql: string, args: unknown[] = []): Promise<T> {
  const rows = (await ds.query(sql, args)) as T[];
  if (rows.length !== 1)
    throw new Error(`expected one row for ${sql} ${JSON.stringify(args)}, got ${rows.length}`);
  return rows[0];
}

describe("the 2022 plan's targets, from the seeded end-2021 state to the Excel export", () => {
  let app: TestApp;
  let worker: RollupService;
  let planId: number;
  let provinceId: number;
  let coordinator: string;
  const districtToken = new Map<number, string>();
  const communeToken = new Map<number, string>();

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(`${TODAY}T03:00:00Z`) });
    await seedBacKan2022(app.db.ds);
    await seedCalendar(app.db.ds);
    ({ id: planId, scope_unit_id: provinceId } = await one<{ id: number; scope_unit_id: number }>(
      app.db.ds,
      "SELECT id, scope_unit_id FROM plan WHERE number = '125/KH-UBND'",
    ));
    planId = Number(planId);
    provinceId = Number(provinceId);
    worker = await startRollupService(
      { ds: app.db.ds, clock: app.clock, timeZone: app.db.config.timeZone },
      { config: app.db.config, schedule: false },
    );
    const office = await app.db.ds
      .getRepository(Organization)
      .findOneByOrFail({ code: COORDINATION_OFFICE_CODE });
    coordinator = await app.tokenFor(
      await makeUser(app.db.ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  }, 120_000);

  /** An officer of the People's Committee of `unitId` (seeded organization), created once. */
  async function officerOf(unitId: number, role: Role, cache: Map<number, string>): Promise<string> {
    const known = cache.get(unitId);
    if (known) return known;
    const org = await app.db.ds
      .getRepository(Organization)
      .findOneByOrFail({ unitId, kind: OrganizationKind.PEOPLES_COMMITTEE });
    const token = await app.tokenFor(await makeUser(app.db.ds, { org, roles: [role] }));
    cache.set(unitId, token);
    return token;
  }

  async function unitId(name: string, depth: number, parentName?: string): Promise<number> {
    const r = await one<{ id: number }>(
      app.db.ds,
      `SELECT u.id FROM admin_unit u JOIN admin_unit p ON p.id = u.parent_id
        WHERE u.name = ? AND u.depth = ? ${parentName ? "AND p.name = ?" : ""} AND (u.valid_to IS NULL OR u.valid_to >= ?)`,
      parentName ? [name, depth, parentName, TODAY] : [name, depth, TODAY],
    );
    return Number(r.id);
  }

  async function mutate(token: string, query: string, input: Record<string, unknown>) {
    const r = await app.gqlAs<{
      r: { userErrors: UserErrors } & Record<string, { id: string; version: number }>;
    }>(token, query, { i: input });
    expect(r.errors).toBeUndefined();
    expect(r.data!.r.userErrors).toEqual([]);
    return r.data!.r;
  }

  const RECORD = `mutation($i: RecordAssessmentInput!) { r: recordAssessment(input: $i) { assessment { id version stage } userErrors { code message } } }`;
  const REVIEW = `mutation($i: ReviewAssessmentInput!) { r: reviewAssessment(input: $i) { assessment { id version stage } userErrors { code message } } }`;
  const RECOGNIZE = `mutation($i: RecordRecognitionInput!) { r: recordRecognition(input: $i) { recognition { id version } userErrors { code message } } }`;
  const REVOKE = `mutation($i: RevokeRecognitionInput!) { r: revokeRecognition(input: $i) { recognition { id version } userErrors { code message } } }`;

  let communeCriteria: number[];

  /**
   * The commune's officers record `met` of the first `count` criteria for `year` (the others of
   * those not met); the district checks each one; the province appraises when `appraise`.
   */
  async function assess(communeId: number, year: number, count: number, met: number, appraise: boolean) {
    const districtId = Number(
      (
        await one<{ parent_id: number }>(app.db.ds, "SELECT parent_id FROM admin_unit WHERE id = ?", [
          communeId,
        ])
      ).parent_id,
    );
    const own = await officerOf(communeId, Role.COMMUNE_OFFICER, communeToken);
    const district = await officerOf(districtId, Role.DISTRICT_OFFICER, districtToken);
    for (const [i, criterionId] of communeCriteria.slice(0, count).entries()) {
      let a = (
        await mutate(own, RECORD, {
          unitId: toGlobalId("Unit", communeId),
          criterionId: toGlobalId("Criterion", criterionId),
          year,
          met: i < met,
          evidence: [`Biên bản tự đánh giá ${year}`],
        })
      ).assessment;
      a = (await mutate(district, REVIEW, { assessmentId: a.id, decision: "CHECK", version: a.version }))
        .assessment;
      if (appraise)
        await mutate(coordinator, REVIEW, { assessmentId: a.id, decision: "APPRAISE", version: a.version });
    }
  }

  async function recognize(
    token: string,
    unit: number,
    level: string,
    decidedOn: string,
    override: boolean,
  ): Promise<void> {
    await mutate(token, RECOGNIZE, {
      unitId: toGlobalId("Unit", unit),
      level,
      decisionNo: `${unit}/QĐ-UBND`,
      decidedOn,
      decidedBy: level === "VILLAGE_NTM" ? "Chủ tịch UBND huyện" : "Chủ tịch UBND tỉnh",
      standardYear: 2022,
      overrideCriteria: override,
      ...(override ? { note: "Quyết định đã ban hành; hồ sơ tiêu chí nhập sau" } : {}),
    });
  }

  async function dashboardTree() {
    const r = await app.gqlAs<{
      p: {
        scope: Node & { children: Array<Node & { children: Node[] }> };
        targets: Array<{
          target: { code: string; metric: string; targetKind: string; scopeUnit: { id: string } };
          targetValue: number | null;
          actual: number | null;
          percentAchieved: number | null;
          byUnit: Array<{ unit: { id: string }; target: number | null; actual: number | null }>;
        }>;
      };
    }>(
      coordinator,
      `query($p: ID!) { p: planProgress(planId: $p) {
        scope { ${FIELDS} children { ${FIELDS} children { ${FIELDS} } } }
        targets { target { code metric targetKind scopeUnit { id } } targetValue actual percentAchieved
          byUnit { unit { id } target actual } }
      } }`,
      { p: toGlobalId("Plan", planId) },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.p;
  }

  /** A dashboard node against the model's figures for its unit. */
  function expectNode(node: Record<string, unknown>, m: ModelFigures | undefined) {
    const id = gidNum((node.unit as { id: string }).id);
    expect([id, m === undefined]).toEqual([id, false]);
    expect({ id, ...node, unit: undefined, children: undefined }).toEqual({
      id,
      unit: undefined,
      children: undefined,
      criteriaMet: m!.criteriaMet,
      criteriaMetBaseline: m!.criteriaMetStart,
      levelReached: m!.levelReached,
      communesNtm: m!.communesNtm,
      communesNtmAtStart: m!.communesNtmStart,
      communesAdvancedNtm: m!.communesAdvancedNtm,
      communesAdvancedNtmAtStart: m!.communesAdvancedNtmStart,
      xaCount: m!.xaCount,
      avgCriteriaPerXa: avg(m!),
      communesGainedCriterion: m!.communesGained,
      villagesNtm: m!.villagesNtm,
      villagesNtmAtStart: m!.villagesNtmStart,
      districtsCompleted: m!.districtsCompleted,
    });
  }

  /** What a target's metric reads on a unit, from the plan's wording (not from src). */
  function expectedActual(metric: string, m: ModelFigures): number | null {
    if (metric === "communes_ntm") return m.communesNtm - m.communesNtmStart;
    if (metric === "communes_advanced_ntm") return m.communesAdvancedNtm - m.communesAdvancedNtmStart;
    if (metric === "villages_ntm") return m.villagesNtm - m.villagesNtmStart;
    if (metric === "avg_criteria_xa") return avg(m);
    if (metric === "communes_gaining_criterion") return m.communesGained;
    if (metric === "district_criteria_met")
      return m.criteriaMet === null ? null : m.criteriaMet - (m.criteriaMetStart ?? 0);
    if (metric === "district_completion") return m.districtsCompleted > 0 ? 1 : 0;
    throw new Error(`unknown metric ${metric}`);
  }
  function expectedPercent(kind: string, target: number | null, actual: number | null, m: ModelFigures) {
    if (actual === null) return null;
    if (kind.toLowerCase() === "minimum_each")
      return m.xaCount > 0 ? Math.round((actual / m.xaCount) * 1000) / 10 : null;
    if (target === null || target === 0) return null;
    return Math.round((actual / target) * 1000) / 10;
  }

  it("records the scenario through the API; the dashboard and the Excel export show the right numbers", async () => {
    const ds = app.db.ds;
    // The seed knows two thôn of Pác Nặm (Đông Lẻo, Nà Muồng); four more thôn of specially
    // difficult communes off the roadmap are added to the seeded communes before the roll-up.
    const unitRepo = ds.getRepository(Unit);
    const giaoHieu = await unitRepo.findOneByOrFail({ id: await unitId("Giáo Hiệu", 2, "Pác Nặm") });
    const [nganSonXa] = (await ds.query(
      `SELECT u.id FROM admin_unit u JOIN admin_unit d ON d.id = u.parent_id
        WHERE d.name = 'Ngân Sơn' AND u.type = 'xa' AND u.name <> 'Bằng Vân' AND u.valid_to >= '2022-12-31'
          AND NOT EXISTS (SELECT 1 FROM recognition r WHERE r.unit_id = u.id) ORDER BY u.code LIMIT 1`,
    )) as Array<{ id: number }>;
    const nganSonCommune = await unitRepo.findOneByOrFail({ id: Number(nganSonXa.id) });
    for (const [parent, name] of [
      [giaoHieu, "Nà Lẹng"],
      [giaoHieu, "Khuổi Khí"],
      [nganSonCommune, "Bản Chang"],
      [nganSonCommune, "Nà Pài"],
    ] as const)
      await makeUnit(ds, { parent, name, type: UnitType.THON, code: null });

    // The end-2021 state, rolled up in full.
    const rebuilt = await app.gql<{ r: { userErrors: UserErrors } }>(
      `mutation($p: ID!) { r: rebuildProgress(planId: $p) { userErrors { code message } } }`,
      { p: toGlobalId("Plan", planId) },
    );
    expect(rebuilt.errors).toBeUndefined();
    expect(rebuilt.data!.r.userErrors).toEqual([]);
    communeCriteria = (
      (await ds.query(
        `SELECT c.id FROM criterion c JOIN criteria_set s ON s.id = c.set_id
          WHERE s.kind = 'commune' AND s.period_start_year <= 2022 AND (s.period_end_year IS NULL OR s.period_end_year >= 2022)
          ORDER BY c.no`,
      )) as Array<{ id: number }>
    ).map((r) => Number(r.id));
    expect(communeCriteria.length).toBe(19);
    const start = await referenceModel(ds, planId, TODAY);

    // --- The scenario ---------------------------------------------------------------------
    // Nine new NTM communes: the six named on the 2022 roadmap and three more, in five districts.
    const roadmap = [
      ["Tân Tú", "Bạch Thông"],
      ["Bằng Vân", "Ngân Sơn"],
      ["Mỹ Phương", "Ba Bể"],
      ["Côn Minh", "Na Rì"],
      ["Trần Phú", "Na Rì"],
      ["Bộc Bố", "Pác Nặm"],
    ] as const;
    const newNtm: number[] = [];
    for (const [name, district] of roadmap) newNtm.push(await unitId(name, 2, district));
    const plainXa = (
      (await ds.query(
        `SELECT u.id FROM admin_unit u WHERE u.type = 'xa' AND u.depth = 2 AND u.valid_to >= '2022-12-31'
          AND NOT EXISTS (SELECT 1 FROM recognition r WHERE r.unit_id = u.id) ORDER BY u.code`,
      )) as Array<{ id: number }>
    )
      .map((r) => Number(r.id))
      .filter((id) => !newNtm.includes(id));
    for (const id of plainXa.slice(0, 3)) newNtm.push(id);
    expect(new Set(newNtm).size).toBe(9);
    for (const id of newNtm) expect(start.get(id)!.communesNtm).toBe(0);

    // Tân Tú goes the whole way: 19 criteria self-assessed, checked by Bạch Thông, appraised by
    // the province, then recognized without any override.
    await assess(newNtm[0], 2022, 19, 19, true);
    await recognize(coordinator, newNtm[0], "NTM", "2022-09-20", false);
    for (const id of newNtm.slice(1)) await recognize(coordinator, id, "NTM", "2022-09-22", true);

    // Two advanced NTM communes (already NTM at the end of 2021).
    const advanced = [await unitId("Cẩm Giàng", 2, "Bạch Thông"), await unitId("Hà Hiệu", 2, "Ba Bể")];
    for (const id of advanced) {
      expect(start.get(id)!.communesNtmStart).toBe(1);
      expect(start.get(id)!.communesAdvancedNtm).toBe(0);
      await recognize(coordinator, id, "ADVANCED_NTM", "2022-09-23", true);
    }

    // One commune NTM at the end of 2021 loses it.
    const seededNtm = (
      (await ds.query(
        `SELECT r.id, r.unit_id, r.version FROM recognition r JOIN admin_unit u ON u.id = r.unit_id
          WHERE u.type = 'xa' AND r.level = 'ntm' AND r.revoked_on IS NULL AND r.standard_year <= 2021
          ORDER BY u.code`,
      )) as Array<{ id: number; unit_id: number; version: number }>
    ).filter((r) => !advanced.includes(Number(r.unit_id)));
    const revoked = seededNtm[0];
    const revokedUnit = Number(revoked.unit_id);
    expect(start.get(revokedUnit)!.communesAdvancedNtm).toBe(0);
    await mutate(coordinator, REVOKE, {
      recognitionId: toGlobalId("Recognition", Number(revoked.id)),
      version: Number(revoked.version),
      decisionNo: "99/QĐ-UBND",
      revokedOn: "2022-09-25",
      reason: "Không duy trì được tiêu chí",
    });

    // NTM villages, recognized by their districts: 4 in Pác Nặm, 2 in Ngân Sơn.
    const villagesOf = async (district: string, n: number) =>
      (
        (await ds.query(
          `SELECT v.id, d.id AS district_id FROM admin_unit v JOIN admin_unit x ON x.id = v.parent_id
            JOIN admin_unit d ON d.id = x.parent_id
           WHERE v.depth = 3 AND d.name = ? AND (v.valid_to IS NULL OR v.valid_to >= ?)
             AND NOT EXISTS (SELECT 1 FROM recognition r WHERE r.unit_id = v.id)
           ORDER BY v.id LIMIT ?`,
          [district, TODAY, n],
        )) as Array<{ id: number; district_id: number }>
      ).map((r) => ({ id: Number(r.id), district: Number(r.district_id) }));
    const villages = [...(await villagesOf("Pác Nặm", 4)), ...(await villagesOf("Ngân Sơn", 2))];
    expect(villages.length).toBe(6);
    for (const v of villages)
      await recognize(
        await officerOf(v.district, Role.DISTRICT_OFFICER, districtToken),
        v.id,
        "VILLAGE_NTM",
        "2022-09-15",
        true,
      );

    // Communes raising their criteria: one gains 2 (baseline 6 → 8, checked by the district),
    // one stays level (5 → 5), one starts from nothing and shows 4 of 6 met.
    const [gainer, level, fresh] = plainXa.slice(3, 6);
    await assess(gainer, 2021, 6, 6, false);
    await assess(gainer, 2022, 9, 8, false);
    await assess(level, 2021, 5, 5, false);
    await assess(level, 2022, 5, 5, true);
    await assess(fresh, 2022, 6, 4, false);

    // Stored as recorded: who recorded each decision, and which needed the override.
    const stored = (await ds.query(
      `SELECT unit_id, level, criteria_override, recorded_by_org_id FROM recognition
        WHERE decision_no LIKE '%/QĐ-UBND' AND recorded_by_org_id IS NOT NULL ORDER BY id`,
    )) as Array<{ unit_id: number; level: string; criteria_override: number; recorded_by_org_id: number }>;
    expect(stored.map((x) => [Number(x.unit_id), x.level, Number(x.criteria_override)])).toEqual([
      [newNtm[0], "ntm", 0],
      ...newNtm.slice(1).map((id) => [id, "ntm", 1]),
      ...advanced.map((id) => [id, "advanced_ntm", 1]),
      ...villages.map((v) => [v.id, "village_ntm", 1]),
    ]);

    await waitForIdle(worker.queue, 60_000);

    // --- The dashboard ----------------------------------------------------------------------
    const model = await referenceModel(ds, planId, TODAY);
    const p = await dashboardTree();
    let seen = 0;
    expectNode(p.scope, model.get(provinceId));
    for (const d of p.scope.children) {
      expectNode(d, model.get(gidNum(d.unit.id)));
      for (const c of d.children) {
        expectNode(c, model.get(gidNum(c.unit.id)));
        seen++;
      }
    }
    const depthOf = new Map(
      ((await ds.query("SELECT id, depth FROM admin_unit")) as Array<{ id: number; depth: number }>).map(
        (u) => [Number(u.id), Number(u.depth)],
      ),
    );
    expect(seen).toBe([...model.keys()].filter((id) => depthOf.get(id) === 2).length);

    // The scenario's own arithmetic, as a reader of the plan would do it.
    const province = model.get(provinceId)!;
    const ngocPhai = 1; // seeded: recognized for 2022 (S57/S58)
    expect(province.communesNtm - province.communesNtmStart).toBe(9 + ngocPhai - 1);
    expect(province.communesAdvancedNtm - province.communesAdvancedNtmStart).toBe(2);
    expect(province.villagesNtm - province.villagesNtmStart).toBe(6);
    expect(province.xaCriteriaSum - start.get(provinceId)!.xaCriteriaSum).toBe(19 + 8 + 5 + 4);
    expect(province.communesGained - start.get(provinceId)!.communesGained).toBe(3); // Tân Tú, gainer, fresh
    const byCode = new Map(p.targets.map((t) => [t.target.metric, t]));
    expect(byCode.get("communes_ntm")!.actual).toBe(9);
    expect(byCode.get("communes_ntm")!.percentAchieved).toBe(100);
    expect(byCode.get("communes_advanced_ntm")!.actual).toBe(2);
    expect(byCode.get("communes_advanced_ntm")!.percentAchieved).toBe(100);
    expect(byCode.get("villages_ntm")!.actual).toBe(6);
    expect(byCode.get("villages_ntm")!.percentAchieved).toBe(10);

    // Every target, on its scope and on every unit it splits into.
    expect(p.targets.length).toBe(7);
    for (const t of p.targets) {
      const scope = model.get(gidNum(t.target.scopeUnit.id))!;
      const actual = expectedActual(t.target.metric, scope);
      expect([t.target.code, t.actual, t.percentAchieved]).toEqual([
        t.target.code,
        actual,
        expectedPercent(t.target.targetKind, t.targetValue, actual, scope),
      ]);
      for (const u of t.byUnit)
        expect([t.target.code, gidNum(u.unit.id), u.actual]).toEqual([
          t.target.code,
          gidNum(u.unit.id),
          expectedActual(t.target.metric, model.get(gidNum(u.unit.id))!),
        ]);
    }

    // unitProgress and progressUnits, per district and per commune.
    const districts = await app.gqlAs<{ c: { totalCount: number; nodes: Node[] } }>(
      coordinator,
      `query($p: ID!, $u: ID!) { c: progressUnits(planId: $p, parentId: $u, first: 100) { totalCount nodes { ${FIELDS} } } }`,
      { p: toGlobalId("Plan", planId), u: toGlobalId("Unit", provinceId) },
    );
    expect(districts.errors).toBeUndefined();
    expect(districts.data!.c.totalCount).toBe(p.scope.children.length);
    for (const d of districts.data!.c.nodes) {
      const did = gidNum(d.unit.id);
      expectNode(d, model.get(did));
      const one = await app.gqlAs<{ u: Node }>(
        coordinator,
        `query($p: ID!, $u: ID!) { u: unitProgress(planId: $p, unitId: $u) { ${FIELDS} } }`,
        { p: toGlobalId("Plan", planId), u: d.unit.id },
      );
      expect(one.errors).toBeUndefined();
      expectNode(one.data!.u, model.get(did));
      const communes = await app.gqlAs<{ c: { totalCount: number; nodes: Node[] } }>(
        coordinator,
        `query($p: ID!, $u: ID!) { c: progressUnits(planId: $p, parentId: $u, first: 100) { totalCount nodes { ${FIELDS} } } }`,
        { p: toGlobalId("Plan", planId), u: d.unit.id },
      );
      expect(communes.errors).toBeUndefined();
      for (const c of communes.data!.c.nodes) expectNode(c, model.get(gidNum(c.unit.id)));
    }
    for (const id of [newNtm[0], revokedUnit, advanced[0]]) {
      const one = await app.gqlAs<{ u: Node }>(
        coordinator,
        `query($p: ID!, $u: ID!) { u: unitProgress(planId: $p, unitId: $u) { ${FIELDS} } }`,
        { p: toGlobalId("Plan", planId), u: toGlobalId("Unit", id) },
      );
      expect(one.errors).toBeUndefined();
      expectNode(one.data!.u, model.get(id));
    }
    expect(model.get(newNtm[0])!.levelReached).toBe("ntm");
    expect(model.get(revokedUnit)!.levelReached).toBeNull();
    expect(model.get(advanced[0])!.levelReached).toBe("advanced_ntm");

    // --- The Excel export, read back ---------------------------------------------------------
    const exportUrl = `${app.url}/plans/${toGlobalId("Plan", planId)}/progress.xlsx`;
    const auth = { headers: { authorization: `Bearer ${coordinator}` } };
    // A day without a snapshot (none is taken in this test) has no figures: 404, not a failure.
    const noSnapshot = await fetch(`${exportUrl}?asOf=2022-09-01`, auth);
    expect(noSnapshot.status).toBe(404);
    expect(
      ((await noSnapshot.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions
        .code,
    ).toBe("NOT_FOUND");
    // Today (the default, or named) is the live roll-up.
    const byDefault = await fetch(exportUrl, auth);
    expect(byDefault.status).toBe(200);
    const res = await fetch(`${exportUrl}?asOf=${TODAY}`, auth);
    expect(res.status).toBe(200);
    expect(Buffer.from(await byDefault.arrayBuffer()).length).toBeGreaterThan(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const cell = (ws: ExcelJS.Worksheet, r: number, c: number) => ws.getRow(r).getCell(c).value;

    const summary = wb.getWorksheet(SUMMARY_SHEET)!;
    p.targets.forEach((t, i) => {
      const r = HEADER_ROW + 1 + i;
      expect([cell(summary, r, 2), cell(summary, r, 6), cell(summary, r, 7), cell(summary, r, 8)]).toEqual([
        t.target.code,
        t.targetValue,
        t.actual,
        t.percentAchieved,
      ]);
    });
    const unitsAt = HEADER_ROW + p.targets.length + 2;
    const unitCells = (r: number) => [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14].map((c) => cell(summary, r, c));
    const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
    const unitExpected = (m: ModelFigures) => [
      m.xaCount,
      m.communesNtm,
      m.communesAdvancedNtm,
      avg(m),
      m.communesGained,
      m.villagesNtm,
      m.assignmentsTotal,
      m.assignmentsDone,
      m.overdue,
      pct(m.assignmentsDone, m.assignmentsTotal) ?? 0,
      pct(m.doneOnTime, m.doneOnTime + m.doneLate),
    ];
    expect(unitCells(unitsAt + 1)).toEqual(unitExpected(province));
    const districtRows = (await ds.query(
      "SELECT id, name FROM admin_unit WHERE parent_id = ? AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY code",
      [provinceId, TODAY, TODAY],
    )) as Array<{ id: number; name: string }>;
    expect(districtRows.length).toBe(p.scope.children.length);
    districtRows.forEach((d, i) => {
      const m = model.get(Number(d.id))!;
      expect([d.name, ...unitCells(unitsAt + 2 + i)]).toEqual([d.name, ...unitExpected(m)]);
      const dcm = cell(summary, unitsAt + 2 + i, 9);
      expect([d.name, dcm]).toEqual([d.name, m.criteriaMet]);
    });

    // The by-district sheet: each split target's per-district figures, as on the dashboard.
    const byDistrict = wb.getWorksheet(BY_DISTRICT_SHEET)!;
    const names = new Map(districtRows.map((d) => [Number(d.id), d.name]));
    let r = HEADER_ROW + 1;
    for (const t of p.targets)
      for (const u of t.byUnit.filter((x) => names.has(gidNum(x.unit.id)))) {
        expect([
          cell(byDistrict, r, 2),
          cell(byDistrict, r, 4),
          cell(byDistrict, r, 5),
          cell(byDistrict, r, 6),
        ]).toEqual([t.target.code, names.get(gidNum(u.unit.id)), u.target, u.actual]);
        r++;
      }

    // Every district sheet: each commune's criterion cells, criteria met, baseline, gain, level.
    const assessed = (await ds.query(
      "SELECT unit_id, criterion_id, met FROM assessment WHERE year = 2022",
    )) as Array<{ unit_id: number; criterion_id: number; met: number }>;
    const mark = (unit: number, criterion: number) => {
      const a = assessed.find((x) => Number(x.unit_id) === unit && Number(x.criterion_id) === criterion);
      return a === undefined ? NOT_ASSESSED : Number(a.met) === 1 ? MET : NOT_MET;
    };
    const first = COMMUNE_HEAD.length + 1;
    const tail = first + communeCriteria.length;
    let communeRows = 0;
    for (const d of districtRows) {
      const ws = wb.worksheets.find((w) => w.name === d.name)!;
      expect([d.name, ws === undefined]).toEqual([d.name, false]);
      const communes = (await ds.query(
        "SELECT id, code FROM admin_unit WHERE parent_id = ? AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY code",
        [d.id, TODAY, TODAY],
      )) as Array<{ id: number; code: string }>;
      const perCriterion = communeCriteria.map(() => 0);
      communes.forEach((c, i) => {
        const row = HEADER_ROW + 1 + i;
        const m = model.get(Number(c.id))!;
        const marks = communeCriteria.map((k) => mark(Number(c.id), k));
        marks.forEach((x, k) => (perCriterion[k] += x === MET ? 1 : 0));
        const got = [cell(ws, row, 2), ...communeCriteria.map((_, k) => cell(ws, row, first + k))];
        for (let c2 = tail; c2 < tail + 5; c2++) got.push(cell(ws, row, c2));
        expect(got).toEqual([
          c.code,
          ...marks,
          m.criteriaMet,
          m.criteriaMetStart ?? 0,
          (m.criteriaMet ?? 0) - (m.criteriaMetStart ?? 0),
          m.levelReached === null ? NO_LEVEL : LEVEL_LABEL[m.levelReached],
          m.villagesNtm,
        ]);
        communeRows++;
      });
      const totalRow = HEADER_ROW + 1 + communes.length;
      expect(cell(ws, totalRow, 3)).toBe(COMMUNE_TOTAL_LABEL);
      expect(communeCriteria.map((_, k) => cell(ws, totalRow, first + k))).toEqual(perCriterion);
      expect(cell(ws, totalRow, tail + 4)).toBe(model.get(Number(d.id))!.villagesNtm);
    }
    expect(communeRows).toBe(seen);
  }, 300_000);
});
