import type { User } from "../../src/auth/user.entity";
import { FundingAllocation } from "../../src/funding/funding-allocation.entity";
import { AmountQualifier, FundingSource } from "../../src/funding/funding.enums";
import type { Plan } from "../../src/plans/plan.entity";
import { rebuildPlanProgress } from "../../src/rollup/rollup.service";
import { type RollupService, startRollupService } from "../../src/rollup/rollup-worker";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makePlan, makeTree, makeUser, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { waitForIdle } from "../rollup/helpers";
import { referenceFunding } from "../rollup/reference-model";

/**
 * Disbursements (giải ngân): recorded through the API by those the policy allows, refused with a
 * userError (and nothing stored) otherwise, listed per plan, and rolled up by source into
 * progress_funding at every level exactly as a full rebuild and an independent model count them.
 */
const TODAY = "2022-06-15";

type UserErrors = Array<{ code: string; message: string; field: string[] }>;
interface Payload {
  recordDisbursement: {
    disbursement: {
      id: string;
      source: string;
      amountVnd: string;
      disbursedOn: string;
      reference: string;
      note: string | null;
      plan: { id: string };
      allocation: { id: string } | null;
      recipientUnit: { id: string } | null;
      recordedBy: { id: string } | null;
    } | null;
    userErrors: UserErrors;
  };
}

const RECORD = `mutation($input: RecordDisbursementInput!) { recordDisbursement(input: $input) {
  disbursement { id source amountVnd disbursedOn reference note plan { id } allocation { id } recipientUnit { id } recordedBy { id } }
  userErrors { code message field }
} }`;

describe("funding disbursements", () => {
  let app: TestApp;
  let worker: RollupService;
  let tree: Tree;
  let other: Tree;
  let plan: Plan;
  let otherPlan: Plan;
  let provincial: FundingAllocation; // to commune 1.1
  let central: FundingAllocation; // plan-wide, "at least"
  let foreign: FundingAllocation; // of the other plan
  const token = {} as Record<"coordinator" | "district" | "commune" | "viewer" | "otherCoordinator", string>;
  const user = {} as Record<keyof typeof token, User>;

  const deps = () => ({ ds: app.db.ds, clock: app.clock, timeZone: app.db.config.timeZone });
  const gid = (u: { id: number }) => toGlobalId("Unit", u.id);
  const count = async () =>
    Number((await app.db.ds.query("SELECT COUNT(*) AS n FROM funding_disbursement"))[0].n);
  const record = (who: keyof typeof token, input: Record<string, unknown>) =>
    app.gqlAs<Payload>(token[who], RECORD, { input });
  const base = () => ({
    planId: toGlobalId("Plan", plan.id),
    source: "PROVINCIAL",
    recipientUnitId: gid(tree.communes[0][0]),
    amountVnd: "1250000000",
    disbursedOn: "2022-06-01",
    reference: "Chứng từ 15/GN-KBNN",
  });

  beforeAll(async () => {
    app = await startTestApp({ now: new Date(`${TODAY}T03:00:00Z`) });
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Giải ngân");
    other = await makeTree(ds, 1, 1, 0, "Tỉnh khác");
    plan = await makePlan(ds, { scope: tree.province });
    otherPlan = await makePlan(ds, { scope: other.province });
    const allocations = ds.getRepository(FundingAllocation);
    const allocation = (p: Plan, source: FundingSource, unitId: number | null, amount: string, q = "exact") =>
      allocations.save({
        planId: p.id,
        year: 2022,
        source,
        recipientUnitId: unitId,
        amountVnd: amount,
        amountQualifier: q as AmountQualifier,
        description: "Phân bổ vốn thử",
        sources: [],
      });
    provincial = await allocation(plan, FundingSource.PROVINCIAL, tree.communes[0][0].id, "2000000000000");
    central = await allocation(
      plan,
      FundingSource.CENTRAL_NTM,
      null,
      "11000000000",
      AmountQualifier.AT_LEAST,
    );
    foreign = await allocation(otherPlan, FundingSource.PROVINCIAL, null, "500000000");

    const office = await makeOrg(ds, { unit: tree.province, name: "Văn phòng Điều phối NTM tỉnh" });
    const districtPc = await makeOrg(ds, { unit: tree.districts[0] });
    const communePc = await makeOrg(ds, { unit: tree.communes[0][0] });
    const otherOffice = await makeOrg(ds, { unit: other.province, name: "Văn phòng Điều phối tỉnh khác" });
    user.coordinator = await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] });
    user.district = await makeUser(ds, { org: districtPc, roles: [Role.DISTRICT_OFFICER] });
    user.commune = await makeUser(ds, { org: communePc, roles: [Role.COMMUNE_OFFICER] });
    user.viewer = await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_LEADER] });
    user.otherCoordinator = await makeUser(ds, { org: otherOffice, roles: [Role.PROVINCIAL_COORDINATOR] });
    for (const k of Object.keys(user) as Array<keyof typeof token>) token[k] = await app.tokenFor(user[k]);

    await rebuildPlanProgress(deps(), plan.id);
    worker = await startRollupService(deps(), { config: app.db.config, schedule: false });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it("records a disbursement, stores it exactly and keeps Vietnamese text", async () => {
    const note = "Đợt 1: thanh toán khối lượng hoàn thành đường giao thông thôn Nà Pài – xã Cẩm Giàng";
    const r = await record("coordinator", {
      ...base(),
      allocationId: toGlobalId("FundingAllocation", provincial.id),
      amountVnd: "1234567890123",
      reference: "  Giấy rút dự toán số 27/GRDT-KBNN Bắc Kạn  ",
      note,
    });
    expect(r.errors).toBeUndefined();
    const p = r.data!.recordDisbursement;
    expect(p.userErrors).toEqual([]);
    const d = p.disbursement!;
    expect(d).toMatchObject({
      source: "PROVINCIAL",
      amountVnd: "1234567890123",
      disbursedOn: "2022-06-01",
      reference: "Giấy rút dự toán số 27/GRDT-KBNN Bắc Kạn",
      note,
      plan: { id: toGlobalId("Plan", plan.id) },
      allocation: { id: toGlobalId("FundingAllocation", provincial.id) },
      recipientUnit: { id: gid(tree.communes[0][0]) },
      recordedBy: { id: toGlobalId("Organization", user.coordinator.orgId) },
    });
    const id = Number(Buffer.from(d.id, "base64url").toString().split(":")[1]);
    const [row] = await app.db.ds.query(
      "SELECT plan_id, allocation_id, source, recipient_unit_id, CAST(amount_vnd AS CHAR) a, CAST(disbursed_on AS CHAR) d, reference, note, recorded_by_user_id u, recorded_by_org_id o FROM funding_disbursement WHERE id = ?",
      [id],
    );
    expect({ ...row, plan_id: Number(row.plan_id), allocation_id: Number(row.allocation_id) }).toEqual({
      plan_id: plan.id,
      allocation_id: provincial.id,
      source: "provincial",
      recipient_unit_id: tree.communes[0][0].id,
      a: "1234567890123",
      d: "2022-06-01",
      reference: "Giấy rút dự toán số 27/GRDT-KBNN Bắc Kạn",
      note,
      u: user.coordinator.id,
      o: user.coordinator.orgId,
    });
    const audit = await app.db.ds.query(
      "SELECT action, actor_user_id FROM audit_entry WHERE object_type = 'FundingDisbursement' AND object_id = ?",
      [id],
    );
    expect(audit).toEqual([{ action: "disbursement.create", actor_user_id: user.coordinator.id }]);
    // Read back through node(id:) and the list.
    const n = await app.gqlAs<{ node: { reference: string; note: string } }>(
      token.commune,
      `query($id: ID!) { node(id: $id) { ... on FundingDisbursement { reference note } } }`,
      { id: d.id },
    );
    expect(n.data?.node).toEqual({ reference: "Giấy rút dự toán số 27/GRDT-KBNN Bắc Kạn", note });
  });

  it("takes the allocation's recipient when no unit is given, and lets a district officer record in its district", async () => {
    const a = await record("coordinator", {
      ...base(),
      recipientUnitId: null,
      allocationId: toGlobalId("FundingAllocation", provincial.id),
      amountVnd: "100000000",
    });
    expect(a.data!.recordDisbursement.userErrors).toEqual([]);
    expect(a.data!.recordDisbursement.disbursement!.recipientUnit).toEqual({ id: gid(tree.communes[0][0]) });
    // A source without any allocation (the district's budget), to a village of the district.
    const b = await record("district", {
      ...base(),
      source: "DISTRICT",
      recipientUnitId: gid(tree.villages[0][1][0]),
      amountVnd: "300000000",
    });
    expect(b.data!.recordDisbursement.userErrors).toEqual([]);
    const c = await record("district", {
      ...base(),
      source: "DISTRICT",
      recipientUnitId: gid(tree.districts[0]),
    });
    expect(c.data!.recordDisbursement.userErrors).toEqual([]);
    // Plan-wide central money, by the coordinator.
    const d = await record("coordinator", {
      ...base(),
      source: "CENTRAL_NTM",
      recipientUnitId: null,
      allocationId: toGlobalId("FundingAllocation", central.id),
      amountVnd: "4000000000",
    });
    expect(d.data!.recordDisbursement.userErrors).toEqual([]);
    expect(d.data!.recordDisbursement.disbursement!.recipientUnit).toBeNull();
  });

  it("refuses viewers the policy does not allow, storing nothing", async () => {
    const before = await count();
    const cases: Array<[keyof typeof token, Record<string, unknown>]> = [
      ["district", { recipientUnitId: gid(tree.communes[1][0]) }], // another district
      ["district", { recipientUnitId: gid(tree.province) }],
      ["district", { recipientUnitId: null }], // the plan as a whole
      ["commune", {}],
      ["viewer", {}],
      ["otherCoordinator", {}],
    ];
    for (const [who, change] of cases) {
      const r = await record(who, { ...base(), ...change });
      expect([who, r.errors, r.data?.recordDisbursement.userErrors.map((e) => e.code)]).toEqual([
        who,
        undefined,
        ["FORBIDDEN"],
      ]);
    }
    const anonymous = await app.gqlAs(null, RECORD, { input: base() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await count()).toBe(before);
  });

  it("answers each bad input with a userError or a typed error, storing nothing", async () => {
    const before = await count();
    const missing = toGlobalId("Unit", 4_000_000_000);
    const bad: Array<[string, Record<string, unknown>, string, string]> = [
      ["zero", { amountVnd: "0" }, "BAD_USER_INPUT", "amountVnd"],
      ["negative", { amountVnd: "-1000" }, "BAD_USER_INPUT", "amountVnd"],
      ["fraction", { amountVnd: "1000.5" }, "BAD_USER_INPUT", "amountVnd"],
      ["before the plan", { disbursedOn: "2020-12-31" }, "BAD_USER_INPUT", "disbursedOn"],
      ["future", { disbursedOn: "2022-06-16" }, "BAD_USER_INPUT", "disbursedOn"],
      ["blank reference", { reference: "   " }, "BAD_USER_INPUT", "reference"],
      ["long reference", { reference: "C".repeat(256) }, "BAD_USER_INPUT", "reference"],
      ["long note", { note: "ư".repeat(2001) }, "BAD_USER_INPUT", "note"],
      ["unknown unit", { recipientUnitId: missing }, "NOT_FOUND", "recipientUnitId"],
      ["foreign unit", { recipientUnitId: gid(other.communes[0][0]) }, "OUT_OF_SCOPE", "recipientUnitId"],
      ["malformed unit", { recipientUnitId: "not-an-id" }, "BAD_USER_INPUT", "recipientUnitId"],
      ["unknown plan", { planId: toGlobalId("Plan", 4_000_000_000) }, "NOT_FOUND", "planId"],
      [
        "unknown allocation",
        { allocationId: toGlobalId("FundingAllocation", 4_000_000_000) },
        "NOT_FOUND",
        "allocationId",
      ],
      [
        "allocation of another source",
        { allocationId: toGlobalId("FundingAllocation", central.id) },
        "ALLOCATION_MISMATCH",
        "allocationId",
      ],
      [
        "allocation of another plan",
        { allocationId: toGlobalId("FundingAllocation", foreign.id) },
        "ALLOCATION_MISMATCH",
        "allocationId",
      ],
      [
        "outside the allocation's recipient",
        {
          allocationId: toGlobalId("FundingAllocation", provincial.id),
          recipientUnitId: gid(tree.communes[0][1]),
        },
        "OUT_OF_SCOPE",
        "recipientUnitId",
      ],
    ];
    for (const [label, change, code, field] of bad) {
      const r = await record("coordinator", { ...base(), ...change });
      expect([label, r.errors]).toEqual([label, undefined]);
      const errors = r.data!.recordDisbursement.userErrors;
      expect([label, errors.map((e) => [e.code, e.field.join(".")])]).toEqual([
        label,
        [[code, `input.${field}`]],
      ]);
      expect(r.data!.recordDisbursement.disbursement).toBeNull();
    }
    // Values the scalars refuse before the command runs: typed GraphQL errors.
    for (const change of [
      { amountVnd: "mười tỷ" },
      { amountVnd: 1000 },
      { amountVnd: "01000" },
      { amountVnd: "123456789012345678901" },
      { disbursedOn: "2022-02-30" },
      { source: "NGAN_SACH_XA" },
    ]) {
      const r = await record("coordinator", { ...base(), ...change });
      expect([change, r.errors?.[0]?.extensions?.code]).toEqual([change, "BAD_USER_INPUT"]);
    }
    expect(await count()).toBe(before);
  });

  it("lists a plan's disbursements, latest first, by unit subtree and source, page by page", async () => {
    await record("coordinator", { ...base(), disbursedOn: "2022-03-10", amountVnd: "5" });
    const q = `query($p: ID!, $f: FundingDisbursementFilter, $after: String) {
      fundingDisbursements(planId: $p, filter: $f, first: 2, after: $after) {
        totalCount nodes { disbursedOn amountVnd source recipientUnit { id } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      fundingDisbursements: {
        totalCount: number;
        nodes: Array<{
          disbursedOn: string;
          amountVnd: string;
          source: string;
          recipientUnit: { id: string } | null;
        }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const p = toGlobalId("Plan", plan.id);
    const seen: Page["fundingDisbursements"]["nodes"] = [];
    let after: string | null = null;
    for (;;) {
      const r: Awaited<ReturnType<typeof app.gqlAs<Page>>> = await app.gqlAs<Page>(token.commune, q, {
        p,
        f: { unitId: gid(tree.districts[0]) },
        after,
      });
      expect(r.errors).toBeUndefined();
      seen.push(...r.data!.fundingDisbursements.nodes);
      expect(r.data!.fundingDisbursements.totalCount).toBe(5);
      if (!r.data!.fundingDisbursements.pageInfo.hasNextPage) break;
      after = r.data!.fundingDisbursements.pageInfo.endCursor;
    }
    expect(seen.map((d) => d.amountVnd)).toEqual([
      "1250000000",
      "300000000",
      "100000000",
      "1234567890123",
      "5",
    ]);
    expect(seen.map((d) => d.disbursedOn).at(-1)).toBe("2022-03-10");
    const central = await app.gqlAs<Page>(token.viewer, q, { p, f: { source: "CENTRAL_NTM" } });
    expect(central.data!.fundingDisbursements.nodes).toEqual([
      { disbursedOn: "2022-06-01", amountVnd: "4000000000", source: "CENTRAL_NTM", recipientUnit: null },
    ]);
    const wrongOrder = await app.gqlAs<Page>(token.viewer, q, {
      p,
      f: { from: "2022-06-02", to: "2022-06-01" },
    });
    expect(wrongOrder.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("rolls disbursements up by source at commune, district and province, as a full rebuild does", async () => {
    await waitForIdle(worker.queue);
    const F = `funding { source allocatedVnd allocations inexact disbursedVnd disbursements disbursementRate }`;
    type Funding = {
      source: string;
      allocatedVnd: string;
      allocations: number;
      inexact: number;
      disbursedVnd: string;
      disbursements: number;
      disbursementRate: number | null;
    };
    const at = async (u: { id: number }) => {
      const r = await app.gqlAs<{ unitProgress: { funding: Funding[] } }>(
        token.commune,
        `query($p: ID!, $u: ID!) { unitProgress(planId: $p, unitId: $u) { ${F} } }`,
        { p: toGlobalId("Plan", plan.id), u: gid(u) },
      );
      expect(r.errors).toBeUndefined();
      return Object.fromEntries(r.data!.unitProgress.funding.map((f) => [f.source, f]));
    };
    const commune = await at(tree.communes[0][0]);
    expect(commune.provincial).toEqual({
      source: "provincial",
      allocatedVnd: "2000000000000",
      allocations: 1,
      inexact: 0,
      disbursedVnd: "1234667890128", // 1 234 567 890 123 + 100 000 000 + 5
      disbursements: 3,
      disbursementRate: 61.7,
    });
    expect(commune.central_ntm).toBeUndefined();
    const district = await at(tree.districts[0]);
    // The district's own budget: disbursed without an allocation, still a row of its own.
    expect(district.district).toEqual({
      source: "district",
      allocatedVnd: "0",
      allocations: 0,
      inexact: 0,
      disbursedVnd: "1550000000",
      disbursements: 2,
      disbursementRate: null,
    });
    expect(district.provincial.disbursedVnd).toBe(commune.provincial.disbursedVnd);
    const province = await at(tree.province);
    expect(province.central_ntm).toEqual({
      source: "central_ntm",
      allocatedVnd: "11000000000",
      allocations: 1,
      inexact: 1,
      disbursedVnd: "4000000000",
      disbursements: 1,
      disbursementRate: 36.4,
    });
    expect(province.district.disbursedVnd).toBe("1550000000");
    expect(Object.keys(await at(tree.districts[1]))).toEqual([]);

    // The same rows as the independent model, and as a full rebuild.
    const rows = async () =>
      (await app.db.ds.query(
        "SELECT unit_id, source, CAST(allocated_vnd AS CHAR) a, inexact_count, allocations, CAST(disbursed_vnd AS CHAR) d, disbursements FROM progress_funding WHERE plan_id = ? ORDER BY unit_id, source",
        [plan.id],
      )) as Array<Record<string, string | number>>;
    const incremental = await rows();
    const model = await referenceFunding(app.db.ds, plan.id, TODAY);
    expect(incremental).toEqual(
      [...model.entries()]
        .sort(([a], [b]) => a - b)
        .flatMap(([unitId, bySource]) =>
          [...bySource.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([source, f]) => ({
              unit_id: unitId,
              source,
              a: String(f.allocatedVnd),
              inexact_count: f.inexact,
              allocations: f.allocations,
              d: String(f.disbursedVnd),
              disbursements: f.disbursements,
            })),
        ),
    );
    await rebuildPlanProgress(deps(), plan.id);
    expect(await rows()).toEqual(incremental);
  });

  it("keeps a disbursement's plan and source equal to its allocation's in the database too", async () => {
    await expect(
      app.db.ds.query(
        "INSERT INTO funding_disbursement (plan_id, allocation_id, source, amount_vnd, disbursed_on, reference) VALUES (?, ?, 'district', 1, '2022-06-01', 'x')",
        [plan.id, provincial.id],
      ),
    ).rejects.toThrow(/foreign key/i);
  });

  it("refuses to disburse more than is left of an exact allocation, also when two payments race", async () => {
    const ds = app.db.ds;
    const unit = tree.communes[0][0];
    const capped = await ds.getRepository(FundingAllocation).save({
      planId: plan.id,
      year: 2022,
      source: FundingSource.COMMUNE,
      recipientUnitId: unit.id,
      amountVnd: "1000000",
      amountQualifier: AmountQualifier.EXACT,
      description: "Ngân sách xã hỗ trợ đường trục thôn",
      sources: [],
    });
    const onCapped = (amountVnd: string) =>
      record("coordinator", {
        ...base(),
        source: "COMMUNE",
        allocationId: toGlobalId("FundingAllocation", capped.id),
        recipientUnitId: gid(unit),
        amountVnd,
      });
    expect((await onCapped("600000")).data!.recordDisbursement.userErrors).toEqual([]);
    const before = await count();
    const over = await onCapped("400001");
    expect(over.data!.recordDisbursement.disbursement).toBeNull();
    expect(over.data!.recordDisbursement.userErrors.map((e) => [e.code, e.field.join(".")])).toEqual([
      ["EXCEEDS_ALLOCATION", "input.amountVnd"],
    ]);
    expect(await count()).toBe(before);
    // Two payments of 300,000 at once: 400,000 is left, so one of them only.
    const raced = await Promise.all([onCapped("300000"), onCapped("300000")]);
    const codes = raced.map((r) => r.data!.recordDisbursement.userErrors.map((e) => e.code).join(",")).sort();
    expect(codes).toEqual(["", "EXCEEDS_ALLOCATION"]);
    const [{ spent }] = (await ds.query(
      "SELECT SUM(amount_vnd) AS spent FROM funding_disbursement WHERE allocation_id = ?",
      [capped.id],
    )) as Array<{ spent: string }>;
    expect(String(spent)).toBe("900000");
    // The last 100,000 exactly is still allowed.
    expect((await onCapped("100000")).data!.recordDisbursement.userErrors).toEqual([]);
  });
});
