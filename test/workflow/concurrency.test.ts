import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * Eight writers fire at one assignment with the same version, round after round: exactly one
 * wins each round, every loser gets CONFLICT, and no update is lost (the version, the status and
 * the history all count exactly the winners).
 */
describe("optimistic concurrency on an assignment", () => {
  let app: TestApp;
  let assignmentId: number;
  let tokens: string[];
  const WRITERS = 8;
  const ROUNDS = 25;

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 1, 0, "Đua");
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
    assignmentId = (
      await makeAssignment(ds, { task, org: district, assigner: office, status: "in_progress" })
    ).id;
    tokens = [];
    for (let i = 0; i < WRITERS; i++) {
      tokens.push(
        await app.tokenFor(await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] })),
      );
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it(`${WRITERS} concurrent writers × ${ROUNDS} rounds: one winner a round, the others CONFLICT, nothing lost`, async () => {
    const id = toGlobalId("Assignment", assignmentId);
    const read = async () =>
      (await app.db.ds.query("SELECT status, version FROM assignment WHERE id = ?", [assignmentId]))[0];
    const start = await read();
    let wins = 0;
    let conflicts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { status, version } = await read();
      const action = status === "paused" ? "RESUME" : "PAUSE";
      const results = await Promise.all(
        tokens.map((token) =>
          app.gqlAs<{
            transitionAssignment: {
              assignment: { version: number } | null;
              userErrors: Array<{ code: string }>;
            };
          }>(
            token,
            `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { assignment { version } userErrors { code } } }`,
            { i: { assignmentId: id, action, version: Number(version), reason: `vòng ${round}` } },
          ),
        ),
      );
      const codes = results.map(
        (r) => r.data!.transitionAssignment.userErrors.map((e) => e.code).join() || "OK",
      );
      expect(codes.filter((c) => c === "OK")).toHaveLength(1);
      expect(codes.filter((c) => c !== "OK").every((c) => c === "CONFLICT")).toBe(true);
      wins += 1;
      conflicts += WRITERS - 1;
    }
    const end = await read();
    expect(Number(end.version)).toBe(Number(start.version) + wins);
    expect(end.status).toBe(ROUNDS % 2 === 0 ? start.status : "paused");
    const [{ n }] = await app.db.ds.query(
      "SELECT COUNT(*) AS n FROM assignment_event WHERE assignment_id = ?",
      [assignmentId],
    );
    expect(Number(n)).toBe(wins);
    const [{ a }] = await app.db.ds.query(
      "SELECT COUNT(*) AS a FROM audit_entry WHERE object_type = 'Assignment' AND object_id = ?",
      [assignmentId],
    );
    expect(Number(a)).toBe(wins);
    expect(conflicts).toBe(ROUNDS * (WRITERS - 1));
  });
});
