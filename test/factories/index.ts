import type { DataSource } from "typeorm";
import { Assignment, AssignmentRole } from "../../src/workflow/assignment.entity";
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import { hashPassword } from "../../src/auth/password";
import { User, UserRole } from "../../src/auth/user.entity";
import type { Role } from "../../src/shared/roles";
import { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { Plan } from "../../src/plans/plan.entity";
import { TaskGroup } from "../../src/plans/task-group.entity";
import { Confidence } from "../../src/shared/provenance";
import { foldDiacritics, lowerName, normalizeName } from "../../src/shared/text";
import { Task, TaskCooperator, TaskUnit } from "../../src/tasks/task.entity";
import { TaskStatus } from "../../src/tasks/task.enums";
import { unitsChanged } from "../../src/units/unit.directory";
import { Unit } from "../../src/units/unit.entity";
import { LEVEL_OF_TYPE, UnitType } from "../../src/units/unit.enums";

let seq = 0;
const next = () => ++seq;

const TYPE_WORD: Record<UnitType, string> = {
  tinh: "Tỉnh",
  thanh_pho_tw: "Thành phố",
  thanh_pho: "Thành phố",
  thi_xa: "Thị xã",
  huyen: "Huyện",
  xa: "Xã",
  phuong: "Phường",
  thi_tran: "Thị trấn",
  thon: "Thôn",
  ban: "Bản",
  to_dan_pho: "Tổ dân phố",
};

export async function makeUnit(
  ds: DataSource,
  input: { name: string; type: UnitType; parent?: Unit | null; code?: string | null } & Partial<Unit>,
): Promise<Unit> {
  const { parent, ...rest } = input;
  const repo = ds.getRepository(Unit);
  const name = normalizeName(input.name);
  const unit = repo.create({
    code: input.code === undefined ? `T${next()}` : input.code,
    fullName: `${TYPE_WORD[input.type]} ${name}`,
    level: LEVEL_OF_TYPE[input.type],
    parentId: parent?.id ?? null,
    path: "/",
    depth: parent ? parent.depth + 1 : 0,
    sources: [],
    confidence: Confidence.CONFIRMED,
    ...rest,
    name,
    nameFolded: foldDiacritics(name),
    nameLower: lowerName(name),
  });
  await repo.save(unit);
  unit.path = `${parent ? parent.path : "/"}${unit.id}/`;
  await repo.update(unit.id, { path: unit.path });
  // As any writer of units in an API process does: this process reads them again at once.
  unitsChanged(ds);
  return unit;
}

export interface Tree {
  province: Unit;
  districts: Unit[];
  communes: Unit[][]; // per district
  villages: Unit[][][]; // per district, per commune
}

/** A province with `d` districts, `c` communes each and `v` villages per commune. */
export async function makeTree(ds: DataSource, d = 2, c = 2, v = 2, prefix = "Test"): Promise<Tree> {
  const province = await makeUnit(ds, { name: `${prefix} Tỉnh ${next()}`, type: UnitType.TINH });
  const tree: Tree = { province, districts: [], communes: [], villages: [] };
  for (let i = 0; i < d; i++) {
    const district = await makeUnit(ds, {
      name: `${prefix} Huyện ${i + 1}`,
      type: UnitType.HUYEN,
      parent: province,
    });
    tree.districts.push(district);
    tree.communes.push([]);
    tree.villages.push([]);
    for (let j = 0; j < c; j++) {
      const commune = await makeUnit(ds, {
        name: `${prefix} Xã ${i + 1}.${j + 1}`,
        type: UnitType.XA,
        parent: district,
      });
      tree.communes[i].push(commune);
      tree.villages[i].push([]);
      for (let k = 0; k < v; k++) {
        tree.villages[i][j].push(
          await makeUnit(ds, {
            name: `${prefix} Thôn ${i + 1}.${j + 1}.${k + 1}`,
            type: UnitType.THON,
            parent: commune,
            code: null,
          }),
        );
      }
    }
  }
  return tree;
}

export async function makeOrg(
  ds: DataSource,
  input: { unit: Unit; name?: string; kind?: OrganizationKind } & Partial<Organization>,
): Promise<Organization> {
  const { unit, ...rest } = input;
  const name = normalizeName(input.name ?? `UBND ${unit.fullName}`);
  const repo = ds.getRepository(Organization);
  return repo.save(
    repo.create({
      code: `ORG-${next()}`,
      kind: OrganizationKind.PEOPLES_COMMITTEE,
      unitId: unit.id,
      sources: [],
      ...rest,
      name,
      nameFolded: foldDiacritics(name),
    }),
  );
}

export async function makePlan(ds: DataSource, input: { scope: Unit } & Partial<Plan>): Promise<Plan> {
  const { scope, ...rest } = input;
  const repo = ds.getRepository(Plan);
  const n = next();
  return repo.save(
    repo.create({
      number: `${n}/KH-UBND`,
      title: `Kế hoạch thử ${n}`,
      issuer: "UBND tỉnh",
      issuedOn: "2022-02-25",
      year: 2022,
      program: "Chương trình MTQG xây dựng nông thôn mới",
      periodStartYear: 2021,
      periodEndYear: 2025,
      scopeUnitId: scope.id,
      sources: [],
      ...rest,
    }),
  );
}

export async function makeGroup(
  ds: DataSource,
  plan: Plan,
  ord: number,
  title: string | null = null,
): Promise<TaskGroup> {
  const repo = ds.getRepository(TaskGroup);
  return repo.save(repo.create({ planId: plan.id, ord, title, sources: [] }));
}

export async function makeTask(
  ds: DataSource,
  input: {
    plan: Plan;
    group?: TaskGroup | null;
    parent?: Task | null;
    lead?: Organization | null;
    cooperating?: Organization[];
    units?: Unit[];
  } & Partial<Task>,
): Promise<Task> {
  const { plan, group, parent, lead, cooperating, units, ...rest } = input;
  const repo = ds.getRepository(Task);
  const n = next();
  const task = await repo.save(
    repo.create({
      planId: plan.id,
      groupId: group?.id ?? null,
      parentId: parent?.id ?? null,
      path: "/",
      depth: parent ? parent.depth + 1 : 0,
      code: `T-${n}`,
      title: `Nhiệm vụ thử ${n}`,
      leadOrgId: lead?.id ?? null,
      status: TaskStatus.ASSIGNED,
      sources: [],
      ...rest,
    }),
  );
  task.path = `${parent ? parent.path : "/"}${task.id}/`;
  await repo.update(task.id, { path: task.path });
  if (cooperating?.length) {
    await ds.getRepository(TaskCooperator).insert(cooperating.map((o) => ({ taskId: task.id, orgId: o.id })));
  }
  if (units?.length)
    await ds.getRepository(TaskUnit).insert(units.map((u) => ({ taskId: task.id, unitId: u.id })));
  return task;
}

/** One scrypt hash for every factory user (hashing is deliberately slow). */
export const TEST_PASSWORD = "Mật khẩu thử nghiệm 2022!";
let testHash: Promise<string> | null = null;

export async function makeUser(
  ds: DataSource,
  input: { org: Organization; roles: Role[]; email?: string; password?: string } & Partial<User>,
): Promise<User> {
  const { org, roles, password, ...rest } = input;
  const n = next();
  testHash ??= hashPassword(TEST_PASSWORD);
  const repo = ds.getRepository(User);
  const user = await repo.save(
    repo.create({
      email: `user${n}@test.backan.gov.vn`,
      displayName: `Người dùng ${n}`,
      orgId: org.id,
      passwordHash: password ? await hashPassword(password) : await testHash,
      ...rest,
    }),
  );
  if (roles.length) await ds.getRepository(UserRole).insert(roles.map((role) => ({ userId: user.id, role })));
  return user;
}

/** An assignment of `task` to `org` (the task's lead by default), in a given status. */
export async function makeAssignment(
  ds: DataSource,
  input: {
    task: Task;
    org: Organization;
    assigner: Organization;
    role?: "lead" | "cooperating";
    status?: string;
  },
): Promise<Assignment> {
  const repo = ds.getRepository(Assignment);
  return repo.save(
    repo.create({
      taskId: input.task.id,
      planId: input.task.planId,
      orgId: input.org.id,
      assignerOrgId: input.assigner.id,
      role: input.role === "cooperating" ? AssignmentRole.COOPERATING : AssignmentRole.LEAD,
      status: (input.status ?? AssignmentStatus.ACCEPTED) as AssignmentStatus,
      dueDate: input.task.dueDate,
    }),
  );
}
