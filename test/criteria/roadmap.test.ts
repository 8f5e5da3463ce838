import { recordAssessment } from "../../src/criteria/commands/record-assessment.command";
import { CriteriaSetKind } from "../../src/criteria/criteria.enums";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { RoadmapLevel, RoadmapOutcome } from "../../src/plans/plan.enums";
import type { Plan } from "../../src/plans/plan.entity";
import { RoadmapEntry } from "../../src/plans/roadmap-entry.entity";
import { createContext, type RollupScheduler } from "../../src/shared/context";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import { makeOrg, makePlan, makeTree, makeUser, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { makeCriteriaSet } from "./fixtures";

type UserErrors = Array<{ code: string; message: string }>;
const SET = `mutation($i: SetRoadmapOutcomeInput!) { r: setRoadmapOutcome(input: $i) { entry { id version outcome note } userErrors { code message } } }`;
const CARRY = `mutation($i: CarryOverRoadmapInput!) { r: carryOverRoadmap(input: $i) {
  created { id year outcome level carriedOverFrom { id } unit { id } plan { id } }
  carried { id } userErrors { code message } } }`;

interface EntryOut {
  id: string;
  year: number;
  outcome: string;
  level: string;
  carriedOverFrom: { id: string } | null;
  unit: { id: string } | null;
  plan: { id: string };
}

describe("roadmap outcomes and carry-over", () => {
  let app: TestApp;
  let tree: Tree;
  let p2022: Plan;
  let p2023: Plan;
  const entries: number[] = [];
  const token = {} as Record<"coordinator" | "district" | "commune" | "leader", string>;

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    tree = await makeTree(ds, 1, 3, 0, "Lộ trình");
    p2022 = await makePlan(ds, { scope: tree.province, year: 2022 });
    p2023 = await makePlan(ds, { scope: tree.province, year: 2023 });
    const outcomes = [RoadmapOutcome.MISSED, RoadmapOutcome.REACHED, RoadmapOutcome.PENDING];
    for (const [i, outcome] of outcomes.entries()) {
      const r = await ds.getRepository(RoadmapEntry).insert({
        planId: p2022.id,
        unitId: tree.communes[0][i].id,
        districtUnitId: tree.districts[0].id,
        level: RoadmapLevel.NTM,
        year: 2022,
        outcome,
        note: `Xã phấn đấu đạt chuẩn số ${i + 1}`,
        sources: [],
      });
      entries.push(Number(r.identifiers[0].id));
    }
    const office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    token.coordinator = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    const pc = await makeOrg(ds, { unit: tree.province });
    token.leader = await app.tokenFor(await makeUser(ds, { org: pc, roles: [Role.PROVINCIAL_LEADER] }));
    const d = await makeOrg(ds, { unit: tree.districts[0] });
    token.district = await app.tokenFor(await makeUser(ds, { org: d, roles: [Role.DISTRICT_OFFICER] }));
    const c = await makeOrg(ds, { unit: tree.communes[0][0] });
    token.commune = await app.tokenFor(await makeUser(ds, { org: c, roles: [Role.COMMUNE_OFFICER] }));
  });
  afterAll(async () => {
    await app.close();
  });

  async function call<T>(who: keyof typeof token, q: string, input: Record<string, unknown>) {
    const r = await app.gqlAs<{ r: T & { userErrors: UserErrors } }>(token[who], q, { i: input });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.r;
  }
  const roadmapState = () =>
    app.db.ds.query(
      "SELECT id, plan_id, outcome, version, note, carried_over_from_id FROM roadmap_entry ORDER BY id",
    );

  it("sets an entry's outcome: coordinators only, version-checked", async () => {
    const entryId = toGlobalId("RoadmapEntry", entries[2]);
    const before = await roadmapState();
    for (const who of ["district", "commune", "leader"] as const) {
      const r = await call(who, SET, { entryId, version: 1, outcome: "MISSED" });
      expect(r.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    }
    const stale = await call("coordinator", SET, { entryId, version: 3, outcome: "MISSED" });
    expect(stale.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    const bad = await call("coordinator", SET, { entryId: "??", version: 1, outcome: "MISSED" });
    expect(bad.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    expect(await roadmapState()).toEqual(before);

    const ok = await call<{ entry: { version: number; outcome: string; note: string } }>("coordinator", SET, {
      entryId,
      version: 1,
      outcome: "MISSED",
      note: "Chưa đạt tiêu chí thu nhập",
    });
    expect(ok.entry).toMatchObject({ version: 2, outcome: "MISSED", note: "Chưa đạt tiêu chí thu nhập" });
    const [row] = await app.db.ds.query("SELECT outcome, version, note FROM roadmap_entry WHERE id = ?", [
      entries[2],
    ]);
    expect(row).toEqual({ outcome: "missed", version: 2, note: "Chưa đạt tiêu chí thu nhập" });
  });

  it("carries missed entries over to the next plan, once", async () => {
    const input = { fromPlanId: toGlobalId("Plan", p2022.id), toPlanId: toGlobalId("Plan", p2023.id) };
    const before = await roadmapState();
    const denied = await call("district", CARRY, input);
    expect(denied.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    const backwards = await call("coordinator", CARRY, {
      fromPlanId: input.toPlanId,
      toPlanId: input.fromPlanId,
    });
    expect(backwards.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    expect(await roadmapState()).toEqual(before);

    const first = await call<{ created: EntryOut[]; carried: Array<{ id: string }> }>(
      "coordinator",
      CARRY,
      input,
    );
    expect(first.userErrors).toEqual([]);
    expect(first.created.map((e) => e.carriedOverFrom?.id)).toEqual([
      toGlobalId("RoadmapEntry", entries[0]),
      toGlobalId("RoadmapEntry", entries[2]),
    ]);
    for (const e of first.created)
      expect(e).toMatchObject({ year: 2023, outcome: "PENDING", level: "NTM", plan: { id: input.toPlanId } });
    expect(first.created.map((e) => e.unit?.id)).toEqual([
      toGlobalId("Unit", tree.communes[0][0].id),
      toGlobalId("Unit", tree.communes[0][2].id),
    ]);
    const afterFirst = await roadmapState();
    expect(afterFirst).toHaveLength(before.length + 2);

    // Idempotent: nothing new, the same carried entries reported.
    const second = await call<{ created: EntryOut[]; carried: Array<{ id: string }> }>(
      "coordinator",
      CARRY,
      input,
    );
    expect(second.created).toEqual([]);
    expect(second.carried).toEqual(first.carried);
    expect(await roadmapState()).toEqual(afterFirst);
    const notes = await app.db.ds.query("SELECT note FROM roadmap_entry WHERE plan_id = ? ORDER BY id", [
      p2023.id,
    ]);
    expect(notes.map((n: { note: string }) => n.note)).toEqual([
      "Xã phấn đấu đạt chuẩn số 1",
      "Chưa đạt tiêu chí thu nhập",
    ]);
  });

  it("asks the roll-up to recompute after commit, and never fails for it", async () => {
    const ds = app.db.ds;
    const { criteria } = await makeCriteriaSet(ds, CriteriaSetKind.COMMUNE, 1);
    const unit = tree.communes[0][1];
    const org = await makeOrg(ds, { unit });
    const user = await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] });
    const viewer: Viewer = {
      userId: user.id,
      email: user.email,
      orgId: org.id,
      orgKind: org.kind,
      unitId: unit.id,
      unitPath: unit.path,
      unitLevel: "commune",
      roles: new Set([Role.COMMUNE_OFFICER]),
      sessionId: null,
    };
    const calls: Array<[readonly number[], string, number]> = [];
    const ctxWith = (rollups: RollupScheduler) =>
      createContext({
        ds,
        clock: app.clock,
        timeZone: "Asia/Ho_Chi_Minh",
        requestId: "rollup-test",
        config: app.db.config,
        redis: app.redis,
        reminders: null,
        rollups,
        viewer,
        authorization: null,
        ip: null,
      });
    const input = {
      unitId: toGlobalId("Unit", unit.id),
      criterionId: toGlobalId("Criterion", criteria[0].id),
      year: 2022,
      met: false,
      indicatorValues: [],
      evidence: [],
    };
    const r1 = await recordAssessment(
      ctxWith({
        unitsChanged: async (ids, reason) => {
          // Called after commit: the row is visible to another connection.
          const [row] = await ds.query("SELECT COUNT(*) AS n FROM assessment WHERE unit_id = ?", [unit.id]);
          calls.push([ids, reason, Number(row.n)]);
        },
      }),
      input,
    );
    expect(r1.userErrors).toEqual([]);
    expect(calls).toEqual([[[unit.id], "assessment", 1]]);
    const r2 = await recordAssessment(
      ctxWith({
        unitsChanged: () => Promise.reject(new Error("Redis is down")),
      }),
      { ...input, version: 1, met: true },
    );
    expect(r2.userErrors).toEqual([]);
    expect(r2.assessment?.version).toBe(2);
  });
});
