import { passwordProblem } from "../../src/auth/password";
import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { DEMO_PASSWORD, DEMO_USERS, DEMO_VILLAGE_BOARD_CODE, seedDemoUsers } from "../../src/seed/demo-users";
import { Role } from "../../src/shared/roles";
import { startTestApp, type TestApp } from "../helpers/server";

interface Me {
  me: {
    roles: string[];
    scope: { name: string; level: string };
    organization: { code: string };
  };
}

const roleName = (role: Role) => Object.entries(Role).find(([, v]) => v === role)![0];

describe("demo users", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedBacKan2022(app.db.ds);
  }, 120_000);
  afterAll(async () => {
    await app.close();
  });

  it("cover every role once, in distinct organizations, with one strong shared password", () => {
    expect(DEMO_USERS.map((u) => u.role).sort()).toEqual(Object.values(Role).sort());
    expect(new Set(DEMO_USERS.map((u) => u.organizationCode)).size).toBe(DEMO_USERS.length);
    expect(new Set(DEMO_USERS.map((u) => u.email)).size).toBe(DEMO_USERS.length);
    expect(DEMO_PASSWORD.length).toBeGreaterThanOrEqual(12);
    for (const u of DEMO_USERS) {
      expect(u.email).toMatch(/^[a-z]+@demo\.ntm\.backan\.vn$/);
      expect([u.email, passwordProblem(DEMO_PASSWORD, u.email)]).toEqual([u.email, null]);
    }
  });

  it("are seeded idempotently: the second run inserts nothing", async () => {
    expect(await seedDemoUsers(app.db.ds)).toBe(DEMO_USERS.length);
    const count = async () => {
      const [row] = (await app.db.ds.query(
        `SELECT (SELECT COUNT(*) FROM app_user) AS users, (SELECT COUNT(*) FROM user_role) AS roles,
                (SELECT COUNT(*) FROM organization) AS orgs, (SELECT COUNT(*) FROM audit_entry) AS audit`,
      )) as Array<Record<string, string>>;
      return row;
    };
    const before = await count();
    expect(await seedDemoUsers(app.db.ds)).toBe(0);
    expect(await count()).toEqual(before);
    const [board] = (await app.db.ds.query(
      `SELECT o.kind, un.level, un.name, p.code AS parent_code FROM organization o
         JOIN admin_unit un ON un.id = o.unit_id LEFT JOIN organization p ON p.id = o.parent_id WHERE o.code = ?`,
      [DEMO_VILLAGE_BOARD_CODE],
    )) as Array<{ kind: string; level: string; name: string; parent_code: string | null }>;
    expect(board).toEqual({
      kind: "village_board",
      level: "village",
      name: "Đông Lẻo",
      parent_code: "UBND-01864",
    });
  });

  it("each signs in through the login mutation and sees their own scope", async () => {
    const scopes = new Set<string>();
    for (const demo of DEMO_USERS) {
      const login = await app.gqlAs<{
        login: { tokens: { accessToken: string } | null; userErrors: Array<{ code: string }> };
      }>(
        null,
        `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { tokens { accessToken } userErrors { code } } }`,
        {
          e: demo.email,
          p: DEMO_PASSWORD,
        },
      );
      expect([demo.email, login.data!.login.userErrors]).toEqual([demo.email, []]);
      const token = login.data!.login.tokens!.accessToken;
      const me = await app.gqlAs<Me>(token, `{ me { roles scope { name level } organization { code } } }`);
      expect(me.errors).toBeUndefined();
      expect([demo.email, me.data!.me]).toEqual([
        demo.email,
        {
          roles: [roleName(demo.role)],
          scope: { name: demo.scope.name, level: demo.scope.level.toUpperCase() },
          organization: { code: demo.organizationCode },
        },
      ]);
      scopes.add(`${me.data!.me.scope.level}:${me.data!.me.scope.name}`);
    }
    // Province, two districts, a commune and a village.
    expect([...scopes].sort()).toEqual([
      "COMMUNE:Bằng Vân",
      "DISTRICT:Bắc Kạn",
      "DISTRICT:Ngân Sơn",
      "PROVINCE:Bắc Kạn",
      "VILLAGE:Đông Lẻo",
    ]);
  });

  it("see what their roles allow: the coordinator manages the province's users, the commune officer only themselves", async () => {
    const tokenOf = async (email: string) => {
      const r = await app.gqlAs<{ login: { tokens: { accessToken: string } } }>(
        null,
        `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { tokens { accessToken } } }`,
        { e: email, p: DEMO_PASSWORD },
      );
      return r.data!.login.tokens.accessToken;
    };
    const list = `{ users(first: 50) { totalCount nodes { email } } }`;
    type List = { users: { totalCount: number; nodes: Array<{ email: string }> } };
    const coordinator = await app.gqlAs<List>(await tokenOf("coordinator@demo.ntm.backan.vn"), list);
    expect(coordinator.data!.users.nodes.map((n) => n.email).sort()).toEqual(
      DEMO_USERS.map((u) => u.email).sort(),
    );
    const commune = await app.gqlAs<List>(await tokenOf("commune@demo.ntm.backan.vn"), list);
    expect(commune.data!.users.nodes.map((n) => n.email)).toEqual(["commune@demo.ntm.backan.vn"]);
    const audit = await app.gqlAs(
      await tokenOf("leader@demo.ntm.backan.vn"),
      `{ auditEntries(first: 1) { totalCount } }`,
    );
    expect(audit.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
