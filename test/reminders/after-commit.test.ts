import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/** The workflow asks for an assignment's reminders to be re-derived only once its change has committed. */
describe("reminders are scheduled after commit", () => {
  let app: TestApp;
  let token: string;
  let assignmentId: number;
  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T02:00:00Z") });
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 1, 0, "Nhắc");
    const office = await makeOrg(ds, {
      unit: tree.province,
      kind: OrganizationKind.COORDINATION_OFFICE,
      name: "Văn phòng Điều phối",
    });
    const district = await makeOrg(ds, { unit: tree.districts[0] });
    const plan = await makePlan(ds, { scope: tree.province });
    const task = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2022-12-31",
    });
    assignmentId = (await makeAssignment(ds, { task, org: district, assigner: office, status: "assigned" }))
      .id;
    token = await app.tokenFor(await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] }));
  });
  afterAll(async () => {
    await app.close();
  });

  const jobsFor = async (id: number) =>
    (
      await app.server.reminderQueue.getJobs(["waiting", "delayed", "prioritized", "active", "completed"])
    ).filter((j) => (j.data as { assignmentId?: number }).assignmentId === id);
  const accept = (version: number) =>
    app.gqlAs<{ transitionAssignment: { userErrors: Array<{ code: string }> } }>(
      token,
      `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { userErrors { code } } }`,
      { i: { assignmentId: toGlobalId("Assignment", assignmentId), action: "ACCEPT", version } },
    );

  it("enqueues nothing for a refused change", async () => {
    const r = await accept(9);
    expect(r.data!.transitionAssignment.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    expect(await jobsFor(assignmentId)).toEqual([]);
  });

  it("enqueues a re-derivation of the assignment's reminders once the change committed", async () => {
    const r = await accept(1);
    expect(r.data!.transitionAssignment.userErrors).toEqual([]);
    const jobs = await jobsFor(assignmentId);
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.every((j) => !String(j.id).includes(":"))).toBe(true);
  });
});
