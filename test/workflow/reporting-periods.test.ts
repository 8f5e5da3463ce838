import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makePlan, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

describe("a plan's reporting periods (kỳ báo cáo)", () => {
  let app: TestApp;
  let planId: string;
  let coordinator: string;
  let district: string;
  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 1, 0, "Kỳ");
    const office = await makeOrg(ds, {
      unit: tree.province,
      kind: OrganizationKind.COORDINATION_OFFICE,
      name: "Văn phòng Điều phối",
    });
    const pc = await makeOrg(ds, { unit: tree.districts[0] });
    planId = toGlobalId("Plan", (await makePlan(ds, { scope: tree.province })).id);
    coordinator = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    district = await app.tokenFor(await makeUser(ds, { org: pc, roles: [Role.DISTRICT_OFFICER] }));
  });
  afterAll(async () => {
    await app.close();
  });

  const SET = `mutation($i: SetReportingPeriodsInput!) { setReportingPeriods(input: $i) { periods { kind periodStart periodEnd dueDate } userErrors { code message } } }`;
  const quarters = [
    { kind: "QUARTERLY", periodStart: "2022-01-01", periodEnd: "2022-03-31", dueDate: "2022-03-20" },
    { kind: "SIX_MONTHLY", periodStart: "2022-01-01", periodEnd: "2022-06-30", dueDate: "2022-06-15" },
    { kind: "YEARLY", periodStart: "2022-01-01", periodEnd: "2022-12-31", dueDate: "2022-12-10" },
  ];
  const count = async () =>
    Number((await app.db.ds.query("SELECT COUNT(*) AS n FROM reporting_period"))[0].n);

  it("is set by the coordinators and read on the plan", async () => {
    const r = await app.gqlAs<{ setReportingPeriods: { periods: unknown[]; userErrors: unknown[] } }>(
      coordinator,
      SET,
      { i: { planId, periods: quarters } },
    );
    expect(r.data!.setReportingPeriods.userErrors).toEqual([]);
    const read = await app.gqlAs<{ plan: { reportingPeriods: Array<{ kind: string; dueDate: string }> } }>(
      district,
      `query($id: ID!) { plan(id: $id) { reportingPeriods { kind dueDate } } }`,
      { id: planId },
    );
    expect(read.data!.plan.reportingPeriods.map((p) => p.kind).sort()).toEqual([
      "QUARTERLY",
      "SIX_MONTHLY",
      "YEARLY",
    ]);
  });

  it("refuses others and bad periods, changing nothing", async () => {
    const before = await count();
    const other = await app.gqlAs<{ setReportingPeriods: { userErrors: Array<{ code: string }> } }>(
      district,
      SET,
      { i: { planId, periods: [] } },
    );
    expect(other.data!.setReportingPeriods.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    const reversed = await app.gqlAs<{ setReportingPeriods: { userErrors: Array<{ code: string }> } }>(
      coordinator,
      SET,
      {
        i: {
          planId,
          periods: [
            { kind: "MONTHLY", periodStart: "2022-02-01", periodEnd: "2022-01-31", dueDate: "2022-02-05" },
          ],
        },
      },
    );
    expect(reversed.data!.setReportingPeriods.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    const twice = await app.gqlAs<{ setReportingPeriods: { userErrors: Array<{ code: string }> } }>(
      coordinator,
      SET,
      {
        i: { planId, periods: [quarters[0], quarters[0]] },
      },
    );
    expect(twice.data!.setReportingPeriods.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    expect(await count()).toBe(before);
  });
});
