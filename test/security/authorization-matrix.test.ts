import type { User } from "../../src/auth/user.entity";
import { AuditEntry } from "../../src/audit/audit-entry.entity";
import {
  authorizationMatrix,
  HOMES,
  type MatrixCell,
  PLACES,
  type Place,
} from "../../src/app/authorization-matrix";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import { toGlobalId } from "../../src/shared/ids";
import { ALL_ROLES, Role } from "../../src/shared/roles";
import type { Task } from "../../src/tasks/task.entity";
import type { Unit } from "../../src/units/unit.entity";
import { UnitType } from "../../src/units/unit.enums";
import { makeOrg, makePlan, makeTask, makeUnit, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * Every reachable cell of the authorization matrix, run over HTTP against the real server: the
 * symbolic world of src/app/authorization-matrix.ts is built in the database, each role signs in,
 * and each operation must be allowed exactly where the matrix allows it. A denied read must look
 * exactly like a read of an object that does not exist.
 */
const TYPE_OF: Record<Place, UnitType> = {
  P: UnitType.TINH,
  P2: UnitType.TINH,
  D1: UnitType.HUYEN,
  D2: UnitType.HUYEN,
  D3: UnitType.HUYEN,
  C11: UnitType.XA,
  C12: UnitType.XA,
  C21: UnitType.XA,
  V111: UnitType.THON,
  V112: UnitType.THON,
  V211: UnitType.THON,
};

interface World {
  unit: Record<Place, Unit>;
  /** The organization that owns objects at a place (its People's Committee, or its village board). */
  owner: Record<Place, Organization>;
  special: Record<"coordination_office" | "department" | "admin_office", Organization>;
  plan: Record<Place, Plan>;
  task: Record<Place, Task>;
  /** Tasks led by the province-level special organizations (the "own" task of their users). */
  specialTask: Record<string, Task>;
  targetUser: Record<Place, User>;
  specialUser: Record<string, User>;
  audit: Record<Place, number>;
  viewer: Record<Role, User>;
  token: Record<Role, string>;
}

describe("authorization matrix over HTTP", () => {
  let app: TestApp;
  let w: World;
  const cells = authorizationMatrix().filter((c) => c.reachable);

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    const order: Place[] = ["P", "D1", "D2", "C11", "C12", "C21", "V111", "V112", "V211", "P2", "D3"];
    const unit = {} as Record<Place, Unit>;
    const owner = {} as Record<Place, Organization>;
    for (const p of order) {
      const parent = PLACES[p].parent as Place | null;
      unit[p] = await makeUnit(ds, {
        name: `Ma trận ${p}`,
        type: TYPE_OF[p],
        parent: parent ? unit[parent] : null,
        code: `M${p}`,
      });
      owner[p] = await makeOrg(ds, {
        unit: unit[p],
        name: `Cơ quan ${p}`,
        kind:
          PLACES[p].level === "village"
            ? OrganizationKind.VILLAGE_DEVELOPMENT_BOARD
            : OrganizationKind.PEOPLES_COMMITTEE,
      });
    }
    const special = {
      coordination_office: await makeOrg(ds, {
        unit: unit.P,
        name: "Văn phòng Điều phối",
        kind: OrganizationKind.COORDINATION_OFFICE,
      }),
      department: await makeOrg(ds, {
        unit: unit.P,
        name: "Sở Nông nghiệp",
        kind: OrganizationKind.DEPARTMENT,
      }),
      admin_office: await makeOrg(ds, {
        unit: unit.P,
        name: "Quản trị hệ thống",
        kind: OrganizationKind.OFFICE,
      }),
    };
    const orgOfRole = (role: Role) => {
      const home = HOMES[role];
      return home.org === "pc" || home.org === "village_board" ? owner[home.place] : special[home.org];
    };
    const plan = {} as Record<Place, Plan>;
    const task = {} as Record<Place, Task>;
    const targetUser = {} as Record<Place, User>;
    const audit = {} as Record<Place, number>;
    for (const p of order) {
      plan[p] = await makePlan(ds, { scope: unit[p] });
      const parent = PLACES[p].parent as Place | null;
      const root =
        PLACES[p].level === "province"
          ? p
          : (order.find(
              (q) => PLACES[q].level === "province" && PLACES[p].path.startsWith(PLACES[q].path),
            ) as Place);
      task[p] = await makeTask(ds, {
        plan: plan[root],
        parent: parent ? task[parent] : null,
        lead: owner[p],
        units: [unit[p]],
        code: `T-${p}`,
      });
      targetUser[p] = await makeUser(ds, { org: owner[p], roles: [Role.COMMUNE_OFFICER] });
      const inserted = await ds.getRepository(AuditEntry).insert({
        action: "matrix.fixture",
        objectType: "Unit",
        objectId: unit[p].id,
        scopePath: unit[p].path,
        requestId: `fixture-${p}`,
      });
      audit[p] = Number(inserted.identifiers[0].id);
    }
    const specialTask: Record<string, Task> = {};
    const specialUser: Record<string, User> = {};
    for (const [key, org] of Object.entries(special)) {
      specialTask[key] = await makeTask(ds, { plan: plan.P, lead: org, units: [unit.P], code: `T-${key}` });
      specialUser[key] = await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] });
    }
    const viewer = {} as Record<Role, User>;
    const token = {} as Record<Role, string>;
    for (const role of ALL_ROLES) {
      viewer[role] = await makeUser(ds, { org: orgOfRole(role), roles: [role] });
      token[role] = await app.tokenFor(viewer[role]);
    }
    w = { unit, owner, special, plan, task, specialTask, targetUser, specialUser, audit, viewer, token };
  });
  afterAll(async () => {
    await app.close();
  });

  /** The object of a cell: for "own", the viewer's own organization's; else the place's owner's. */
  const ownSpecial = (c: MatrixCell) => {
    const org = HOMES[c.role].org;
    return c.relation === "own" &&
      (org === "coordination_office" || org === "department" || org === "admin_office")
      ? org
      : null;
  };
  const taskOf = (c: MatrixCell) => (ownSpecial(c) ? w.specialTask[ownSpecial(c)!] : w.task[c.place]);
  const orgOf = (c: MatrixCell) => (ownSpecial(c) ? w.special[ownSpecial(c)!] : w.owner[c.place]);
  const userOf = (c: MatrixCell) => (ownSpecial(c) ? w.specialUser[ownSpecial(c)!] : w.targetUser[c.place]);

  type Outcome = { allowed: boolean; leaks?: string };
  let seq = 0;

  async function run(c: MatrixCell): Promise<Outcome> {
    const as = <T>(q: string, v?: Record<string, unknown>) => app.gqlAs<T>(w.token[c.role], q, v);
    const code = (r: { errors?: Array<{ extensions?: { code?: string } }> }) =>
      r.errors?.[0]?.extensions?.code;
    /** A denied single read must answer exactly like an ID that matches nothing. */
    const single = async (
      field: string,
      type: Parameters<typeof toGlobalId>[0],
      id: number,
    ): Promise<Outcome> => {
      const q = `query($id: ID!) { ${field}(id: $id) { id } }`;
      const r = await as<Record<string, { id: string } | null>>(q, { id: toGlobalId(type, id) });
      if (!r.errors && r.data?.[field]?.id === toGlobalId(type, id)) return { allowed: true };
      const missing = await as(q, { id: toGlobalId(type, 4_000_000_000) });
      const same =
        JSON.stringify(r.errors?.map((e) => [e.message, e.extensions])) ===
        JSON.stringify(missing.errors?.map((e) => [e.message, e.extensions]));
      return {
        allowed: false,
        leaks: same ? undefined : `${JSON.stringify(r.errors)} vs ${JSON.stringify(missing.errors)}`,
      };
    };
    const listed = async (query: string, id: string, path: string[]): Promise<Outcome> => {
      const r = await as<Record<string, unknown>>(query);
      if (code(r) === "FORBIDDEN") return { allowed: false };
      if (r.errors) throw new Error(`${c.role} ${c.resource} list: ${JSON.stringify(r.errors)}`);
      let nodes: unknown = r.data;
      for (const key of path) nodes = (nodes as Record<string, unknown>)[key];
      return { allowed: (nodes as Array<{ id: string }>).some((n) => n.id === id) };
    };

    switch (`${c.resource}.${c.operation}`) {
      case "unit.read":
        return single("unit", "Unit", w.unit[c.place].id);
      case "unit.list":
        return listed(
          `{ units(first: 100, filter: { code: "M${c.place}" }) { nodes { id } } }`,
          toGlobalId("Unit", w.unit[c.place].id),
          ["units", "nodes"],
        );
      case "plan.read":
        return single("plan", "Plan", w.plan[c.place].id);
      case "plan.list":
        return listed(
          `{ plans(first: 100, filter: { scopeUnitId: "${toGlobalId("Unit", w.unit[c.place].id)}" }) { nodes { id } } }`,
          toGlobalId("Plan", w.plan[c.place].id),
          ["plans", "nodes"],
        );
      case "task.read":
        return single("task", "Task", taskOf(c).id);
      case "task.list":
        return listed(
          `{ tasks(first: 100, orderBy: CODE_ASC) { nodes { id } } }`,
          toGlobalId("Task", taskOf(c).id),
          ["tasks", "nodes"],
        );
      case "user.read":
        return single("user", "User", userOf(c).id);
      case "user.list":
        return listed(`{ users(first: 100) { nodes { id } } }`, toGlobalId("User", userOf(c).id), [
          "users",
          "nodes",
        ]);
      case "user.create": {
        const before = await app.db.ds.query("SELECT COUNT(*) AS n FROM app_user");
        const r = await as<{
          createUser: { user: { id: string } | null; userErrors: Array<{ code: string }> };
        }>(
          `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }`,
          {
            input: {
              email: `matrix${++seq}@test.backan.gov.vn`,
              displayName: "Người dùng ma trận",
              organizationId: toGlobalId("Organization", orgOf(c).id),
              roles: ["COMMUNE_OFFICER"],
              password: "Một mật khẩu đủ dài 2022",
            },
          },
        );
        const p = r.data?.createUser;
        if (p?.user && p.userErrors.length === 0) return { allowed: true };
        const after = await app.db.ds.query("SELECT COUNT(*) AS n FROM app_user");
        if (after[0].n !== before[0].n) throw new Error("a refused createUser wrote a user");
        return { allowed: false };
      }
      case "user.update":
      case "user.assign": {
        // A fresh target each time, so one cell's change cannot decide another's.
        const target = await makeUser(app.db.ds, { org: orgOf(c), roles: [Role.COMMUNE_OFFICER] });
        const m =
          c.operation === "update"
            ? `mutation($id: ID!) { r: disableUser(id: $id, version: 1) { user { id } userErrors { code } } }`
            : `mutation($id: ID!) { r: setUserRoles(id: $id, roles: [VIEWER], version: 1) { user { id } userErrors { code } } }`;
        const r = await as<{ r: { user: { id: string } | null; userErrors: Array<{ code: string }> } }>(m, {
          id: toGlobalId("User", target.id),
        });
        if (r.errors) throw new Error(`${c.role} user.${c.operation}: ${JSON.stringify(r.errors)}`);
        if (r.data!.r.userErrors.length === 0) return { allowed: true };
        const row = await app.db.ds.query("SELECT status, version FROM app_user WHERE id = ?", [target.id]);
        if (row[0].status !== "active" || Number(row[0].version) !== 1)
          throw new Error("a refused user change was written");
        const codes = r.data!.r.userErrors.map((e) => e.code);
        return {
          allowed: false,
          leaks: codes.every((x) => x === "NOT_FOUND" || x === "FORBIDDEN") ? undefined : codes.join(),
        };
      }
      case "audit_entry.read":
        return single("auditEntry", "AuditEntry", w.audit[c.place]);
      case "audit_entry.list":
        return listed(
          `{ auditEntries(first: 100) { nodes { id } } }`,
          toGlobalId("AuditEntry", w.audit[c.place]),
          ["auditEntries", "nodes"],
        );
    }
    throw new Error(`no HTTP probe for ${c.resource}.${c.operation}`);
  }

  it("has reachable cells for every role, allowed and denied", () => {
    expect(cells.length).toBeGreaterThan(200);
    expect(cells.some((c) => c.allowed)).toBe(true);
    expect(cells.some((c) => !c.allowed)).toBe(true);
    for (const role of ALL_ROLES) expect(cells.filter((c) => c.role === role).length).toBeGreaterThan(10);
  });

  it("allows exactly what the matrix allows, and a denial never leaks", async () => {
    const wrong: string[] = [];
    for (const c of cells) {
      const outcome = await run(c);
      const label = `${c.role} ${c.operation} ${c.resource} (${c.relation}, ${c.place})`;
      if (outcome.allowed !== c.allowed)
        wrong.push(
          `${label}: expected ${c.allowed ? "allow" : "deny"}, got ${outcome.allowed ? "allow" : "deny"}`,
        );
      if (outcome.leaks) wrong.push(`${label}: the denial differs from a missing object: ${outcome.leaks}`);
    }
    expect(wrong).toEqual([]);
  });
});
