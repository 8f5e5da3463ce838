import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import {
  canApproveTask,
  canAssignTask,
  canAssignTo,
  canDeleteTask,
  canReadTask,
  canUpdateTask,
  taskScopeOf,
  type TaskWriteFacts,
} from "../../src/tasks/task.policy";

/** Pure policy functions, as tables. Paths: /1/ province, /1/2/ district, /1/2/4/ commune, /1/2/4/7/ village. */
const v = (roles: Role[], unitPath: string, level: Viewer["unitLevel"], orgId: number): Viewer => ({
  userId: 1,
  email: "x@y.vn",
  orgId,
  orgKind: "x",
  unitId: 1,
  unitPath,
  unitLevel: level,
  roles: new Set(roles),
  sessionId: null,
});

const admin = v([Role.SYSTEM_ADMIN], "/9/", "province", 1);
const coordinator = v([Role.PROVINCIAL_COORDINATOR], "/1/", "province", 2);
const leader = v([Role.PROVINCIAL_LEADER], "/1/", "province", 3);
const department = v([Role.DEPARTMENT_OFFICER], "/1/", "province", 4);
const district = v([Role.DISTRICT_OFFICER], "/1/2/", "district", 20);
const commune = v([Role.COMMUNE_OFFICER], "/1/2/4/", "commune", 40);
const village = v([Role.VILLAGE_BOARD_MEMBER], "/1/2/4/7/", "village", 70);
const districtViewer = v([Role.VIEWER], "/1/2/", "district", 20);
const departmentViewer = v([Role.VIEWER], "/1/", "province", 4);

describe("taskScopeOf", () => {
  it.each([
    ["admin", admin, { kind: "all" }],
    ["coordinator", coordinator, { kind: "subtree", path: "/1/" }],
    ["leader", leader, { kind: "subtree", path: "/1/" }],
    ["department", department, { kind: "involvement", orgId: 4 }],
    ["district", district, { kind: "subtree", path: "/1/2/" }],
    ["commune", commune, { kind: "subtree", path: "/1/2/4/" }],
    ["village", village, { kind: "subtree", path: "/1/2/4/7/" }],
    ["district viewer", districtViewer, { kind: "subtree", path: "/1/2/" }],
    ["department viewer", departmentViewer, { kind: "involvement", orgId: 4 }],
    ["no role", v([], "/1/", "province", 5), { kind: "none" }],
  ])("%s", (_n, viewer, scope) => {
    expect(taskScopeOf(viewer)).toEqual(scope);
  });
});

describe("canReadTask", () => {
  const inCommune = { touchedUnitPaths: ["/1/2/4/"], involvedOrgIds: [40, 20, 2] };
  const inSibling = { touchedUnitPaths: ["/1/2/5/"], involvedOrgIds: [50, 20, 2] };
  const inOtherDistrict = { touchedUnitPaths: ["/1/3/6/"], involvedOrgIds: [60, 30, 2] };
  const departmentTask = { touchedUnitPaths: ["/1/"], involvedOrgIds: [4] };
  it.each([
    ["commune: own commune", commune, inCommune, true],
    ["commune: sibling commune", commune, inSibling, false],
    ["commune: other district", commune, inOtherDistrict, false],
    ["district: its commune", district, inCommune, true],
    ["district: its other commune", district, inSibling, true],
    ["district: other district", district, inOtherDistrict, false],
    ["village: its commune's task", village, inCommune, false],
    ["coordinator: anywhere in the province", coordinator, inOtherDistrict, true],
    ["department: not involved", department, inCommune, false],
    ["department: leads", department, departmentTask, true],
    ["admin: anything", admin, inOtherDistrict, true],
  ])("%s", (_n, viewer, facts, expected) => {
    expect(canReadTask(viewer, facts)).toBe(expected);
  });
});

describe("write policies", () => {
  // A commune's sub-task delegated from the district's task of the province's plan.
  const communeTask: TaskWriteFacts = {
    leadOrgId: 40,
    parentLeadOrgId: 20,
    planScopePath: "/1/",
    leadUnitLevel: "commune",
  };
  const provinceTask: TaskWriteFacts = {
    leadOrgId: 2,
    parentLeadOrgId: null,
    planScopePath: "/1/",
    leadUnitLevel: "province",
  };
  const departmentTask: TaskWriteFacts = {
    leadOrgId: 4,
    parentLeadOrgId: null,
    planScopePath: "/1/",
    leadUnitLevel: "province",
  };
  const villageTask: TaskWriteFacts = {
    leadOrgId: 70,
    parentLeadOrgId: 40,
    planScopePath: "/1/",
    leadUnitLevel: "village",
  };
  it.each([
    // viewer, facts, update, assign, approve, delete
    ["commune leads its task", commune, communeTask, [true, true, false, false]],
    ["district assigned it", district, communeTask, [false, false, true, false]],
    ["district viewer only reads", districtViewer, communeTask, [false, false, false, false]],
    // The coordinator may edit, approve and cancel anywhere in the plan, but hands work down only from the province.
    ["coordinator runs the plan", coordinator, communeTask, [true, false, true, true]],
    ["a department leads but never delegates", department, departmentTask, [true, false, false, false]],
    ["a village board leads but has no one below", village, villageTask, [true, false, false, false]],
    ["leader only reads", leader, communeTask, [false, false, false, false]],
    ["a plan task: the coordinator approves", coordinator, provinceTask, [true, true, true, true]],
    ["a plan task: a district does nothing", district, provinceTask, [false, false, false, false]],
    ["admin", admin, communeTask, [true, true, true, true]],
  ])("%s", (_n, viewer, facts, [update, assign, approve, del]) => {
    expect([
      canUpdateTask(viewer, facts),
      canAssignTask(viewer, facts),
      canApproveTask(viewer, facts),
      canDeleteTask(viewer, facts),
    ]).toEqual([update, assign, approve, del]);
  });
});

describe("canAssignTo follows the hierarchy", () => {
  const to = (unitPath: string, unitLevel: Viewer["unitLevel"], orgId: number) => ({
    unitPath,
    unitLevel,
    orgId,
  });
  it.each([
    ["province → department", coordinator, to("/1/", "province", 4), true],
    ["province → district", coordinator, to("/1/2/", "district", 20), true],
    ["province → commune (skips a level)", coordinator, to("/1/2/4/", "commune", 40), false],
    ["district → its commune", district, to("/1/2/4/", "commune", 40), true],
    ["district → another district's commune", district, to("/1/3/6/", "commune", 60), false],
    ["district → its village (skips a level)", district, to("/1/2/4/7/", "village", 70), false],
    ["commune → its village", commune, to("/1/2/4/7/", "village", 70), true],
    ["commune → its management board", commune, to("/1/2/4/", "commune", 41), true],
    ["commune → a sibling commune", commune, to("/1/2/5/", "commune", 50), false],
    ["commune → itself", commune, to("/1/2/4/", "commune", 40), false],
    ["village → anyone", village, to("/1/2/4/7/", "village", 71), false],
    ["leader (read-only) → district", leader, to("/1/2/", "district", 20), false],
    ["department → district", department, to("/1/2/", "district", 20), false],
  ])("%s", (_n, viewer, target, expected) => {
    expect(canAssignTo(viewer, target)).toBe(expected);
  });
});
