import { CriteriaSetKind } from "../../src/criteria/criteria.enums";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { RoadmapLevel, RoadmapOutcome } from "../../src/plans/plan.enums";
import { RoadmapEntry } from "../../src/plans/roadmap-entry.entity";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makePlan, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { makeCriteriaSet } from "./fixtures";

/** Requests racing on the same row: exactly one wins, the others get a typed refusal. */
describe("criteria workflow under concurrent requests", () => {
  let app: TestApp;
  let coordinator: string;
  let commune: string;
  let communeId: number;
  let criterionId: number;
  let plans: number[];

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 1, 0, "Đồng thời");
    communeId = tree.communes[0][0].id;
    criterionId = (await makeCriteriaSet(ds, CriteriaSetKind.COMMUNE, 1)).criteria[0].id;
    const office = await makeOrg(ds, { unit: tree.province, kind: OrganizationKind.COORDINATION_OFFICE });
    coordinator = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    const c = await makeOrg(ds, { unit: tree.communes[0][0] });
    commune = await app.tokenFor(await makeUser(ds, { org: c, roles: [Role.COMMUNE_OFFICER] }));
    const p1 = await makePlan(ds, { scope: tree.province, year: 2022 });
    const p2 = await makePlan(ds, { scope: tree.province, year: 2023 });
    plans = [p1.id, p2.id];
    await ds.getRepository(RoadmapEntry).insert({
      planId: p1.id,
      unitId: communeId,
      level: RoadmapLevel.NTM,
      year: 2022,
      outcome: RoadmapOutcome.MISSED,
      sources: [],
    });
  });
  afterAll(async () => {
    await app.close();
  });

  async function race(token: string, mutation: string, input: Record<string, unknown>, n = 4) {
    const results = await Promise.all(
      Array.from({ length: n }, () =>
        app.gqlAs<{ r: { userErrors: Array<{ code: string }> } }>(token, mutation, { i: input }),
      ),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    return results.map((r) => r.data!.r.userErrors.map((e) => e.code).join() || "OK").sort();
  }

  it("creates one assessment when the same one is recorded at once", async () => {
    const codes = await race(
      commune,
      `mutation($i: RecordAssessmentInput!) { r: recordAssessment(input: $i) { userErrors { code } } }`,
      {
        unitId: toGlobalId("Unit", communeId),
        criterionId: toGlobalId("Criterion", criterionId),
        year: 2022,
        met: true,
      },
    );
    expect(codes).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "OK"]);
    const rows = await app.db.ds.query("SELECT version FROM assessment WHERE unit_id = ?", [communeId]);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it("records one recognition when the same decision is sent at once", async () => {
    const codes = await race(
      coordinator,
      `mutation($i: RecordRecognitionInput!) { r: recordRecognition(input: $i) { userErrors { code } } }`,
      {
        unitId: toGlobalId("Unit", communeId),
        level: "NTM",
        decisionNo: "1/QĐ-UBND",
        decidedOn: "2022-12-30",
        decidedBy: "Chủ tịch UBND tỉnh",
        overrideCriteria: true,
        note: "Ghi nhận quyết định",
      },
    );
    expect(codes).toEqual(["DUPLICATE", "DUPLICATE", "DUPLICATE", "OK"]);
    const rows = await app.db.ds.query("SELECT COUNT(*) AS n FROM recognition WHERE unit_id = ?", [
      communeId,
    ]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it("carries a roadmap over once when asked at once", async () => {
    const codes = await race(
      coordinator,
      `mutation($i: CarryOverRoadmapInput!) { r: carryOverRoadmap(input: $i) { userErrors { code } } }`,
      { fromPlanId: toGlobalId("Plan", plans[0]), toPlanId: toGlobalId("Plan", plans[1]) },
    );
    expect(codes).toEqual(["OK", "OK", "OK", "OK"]);
    const rows = await app.db.ds.query("SELECT COUNT(*) AS n FROM roadmap_entry WHERE plan_id = ?", [
      plans[1],
    ]);
    expect(Number(rows[0].n)).toBe(1);
  });
});
