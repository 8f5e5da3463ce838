import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/** Asking for more time has the assignment's reminders (now with the approver's) re-derived after commit. */
describe("requestExtension schedules the approver's reminders after commit", () => {
  let app: TestApp;
  let token: string;
  let assignmentId: number;
  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T02:00:00Z") });
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 1, 0, "Gia");
    const office = await makeOrg(ds, { unit: tree.province, kind: OrganizationKind.COORDINATION_OFFICE });
    const district = await makeOrg(ds, { unit: tree.districts[0] });
    const plan = await makePlan(ds, { scope: tree.province });
    const task = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2022-12-31",
    });
    assignmentId = (
      await makeAssignment(ds, { task, org: district, assigner: office, status: "in_progress" })
    ).id;
    token = await app.tokenFor(await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] }));
  });
  afterAll(async () => {
    await app.close();
  });

  const jobsFor = async (id: number) =>
    (await app.server.reminderQueue.getJobs(["waiting", "delayed", "prioritized", "active"])).filter(
      (j) => j.name === "reconcile-reminders" && (j.data as { assignmentId?: number }).assignmentId === id,
    );
  const ask = (version: number) =>
    app.gqlAs<{ requestExtension: { userErrors: Array<{ code: string }> } }>(
      token,
      `mutation($i: RequestExtensionInput!) { requestExtension(input: $i) { userErrors { code } } }`,
      {
        i: {
          assignmentId: toGlobalId("Assignment", assignmentId),
          version,
          requestedDueDate: "2023-03-31",
          reason: "Mưa lũ kéo dài",
        },
      },
    );

  it("enqueues nothing for a refused request, a re-derivation once one committed", async () => {
    expect((await ask(9)).data!.requestExtension.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    expect(await jobsFor(assignmentId)).toEqual([]);
    expect((await ask(1)).data!.requestExtension.userErrors).toEqual([]);
    expect((await jobsFor(assignmentId)).length).toBeGreaterThanOrEqual(1);
  });
});
