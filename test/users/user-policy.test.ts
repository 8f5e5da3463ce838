import "reflect-metadata";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import {
  canChangeRolesOf,
  canDisableUser,
  canGrantRoles,
  canManageUser,
  canManageUsersOf,
  canReadUser,
  userPermissions,
  usersVisibleTo,
} from "../../src/users/user.policy";

const PROVINCE = "/1/";
const DISTRICT = "/1/2/";
const COMMUNE = "/1/2/3/";
const OTHER_PROVINCE = "/9/";
const OTHER_DISTRICT = "/1/20/";

function viewer(role: Role | null, unitPath: string, userId = 100): Viewer {
  const depth = unitPath.split("/").filter(Boolean).length;
  const unitLevel = (["province", "district", "commune", "village"] as const)[depth - 1];
  return {
    userId,
    email: `v${userId}@test.vn`,
    orgId: 1,
    orgKind: "peoples_committee",
    unitId: 1,
    unitPath,
    unitLevel,
    roles: new Set(role ? [role] : []),
    sessionId: null,
  };
}

const admin = viewer(Role.SYSTEM_ADMIN, "/50/");
const coordinator = viewer(Role.PROVINCIAL_COORDINATOR, PROVINCE);
const districtCoordinator = viewer(Role.PROVINCIAL_COORDINATOR, DISTRICT);
const leader = viewer(Role.PROVINCIAL_LEADER, PROVINCE);
const department = viewer(Role.DEPARTMENT_OFFICER, PROVINCE);
const district = viewer(Role.DISTRICT_OFFICER, DISTRICT);
const commune = viewer(Role.COMMUNE_OFFICER, COMMUNE);
const village = viewer(Role.VILLAGE_BOARD_MEMBER, "/1/2/3/4/");
const readOnly = viewer(Role.VIEWER, DISTRICT);
const noRole = viewer(null, DISTRICT);

describe("usersVisibleTo", () => {
  it.each([
    ["admin", admin, { kind: "all" }],
    ["coordinator", coordinator, { kind: "subtree", path: PROVINCE }],
    ["coordinator of a district", districtCoordinator, { kind: "subtree", path: DISTRICT }],
    ["leader", leader, { kind: "self", userId: 100 }],
    ["department officer", department, { kind: "self", userId: 100 }],
    ["district officer", district, { kind: "self", userId: 100 }],
    ["commune officer", commune, { kind: "self", userId: 100 }],
    ["village board member", village, { kind: "self", userId: 100 }],
    ["viewer", readOnly, { kind: "self", userId: 100 }],
    ["no role", noRole, { kind: "self", userId: 100 }],
  ])("%s", (_label, v, scope) => {
    expect(usersVisibleTo(v)).toEqual(scope);
  });

  it("an admin who is also a coordinator sees all", () => {
    const both = { ...coordinator, roles: new Set([Role.PROVINCIAL_COORDINATOR, Role.SYSTEM_ADMIN]) };
    expect(usersVisibleTo(both)).toEqual({ kind: "all" });
  });
});

describe("canReadUser", () => {
  it.each([
    ["admin, anyone", admin, { userId: 1, orgUnitPath: OTHER_PROVINCE }, true],
    ["coordinator, own unit", coordinator, { userId: 1, orgUnitPath: PROVINCE }, true],
    ["coordinator, below", coordinator, { userId: 1, orgUnitPath: COMMUNE }, true],
    ["coordinator, other province", coordinator, { userId: 1, orgUnitPath: OTHER_PROVINCE }, false],
    [
      "district coordinator, sibling district",
      districtCoordinator,
      { userId: 1, orgUnitPath: OTHER_DISTRICT },
      false,
    ],
    ["district coordinator, above", districtCoordinator, { userId: 1, orgUnitPath: PROVINCE }, false],
    [
      "district coordinator, a path sharing a digit prefix",
      districtCoordinator,
      { userId: 1, orgUnitPath: "/1/22/" },
      false,
    ],
    ["commune officer, self", commune, { userId: 100, orgUnitPath: COMMUNE }, true],
    ["commune officer, colleague", commune, { userId: 101, orgUnitPath: COMMUNE }, false],
    ["leader, anyone in the province", leader, { userId: 1, orgUnitPath: COMMUNE }, false],
    ["leader, self", leader, { userId: 100, orgUnitPath: PROVINCE }, true],
    ["no role, self", noRole, { userId: 100, orgUnitPath: DISTRICT }, true],
  ])("%s", (_label, v, target, expected) => {
    expect(canReadUser(v, target)).toBe(expected);
  });
});

describe("canManageUsersOf", () => {
  it.each([
    ["admin, anywhere", admin, OTHER_PROVINCE, true],
    ["coordinator, own unit", coordinator, PROVINCE, true],
    ["coordinator, below", coordinator, COMMUNE, true],
    ["coordinator, other province", coordinator, OTHER_PROVINCE, false],
    ["district coordinator, sibling", districtCoordinator, OTHER_DISTRICT, false],
    ["leader", leader, COMMUNE, false],
    ["department officer", department, PROVINCE, false],
    ["district officer, own district", district, DISTRICT, false],
    ["commune officer, own commune", commune, COMMUNE, false],
    ["village board member", village, "/1/2/3/4/", false],
    ["viewer", readOnly, DISTRICT, false],
    ["no role", noRole, DISTRICT, false],
  ])("%s", (_label, v, path, expected) => {
    expect(canManageUsersOf(v, path)).toBe(expected);
  });
});

describe("canGrantRoles", () => {
  const all = Object.values(Role);
  const allButAdmin = all.filter((r) => r !== Role.SYSTEM_ADMIN);
  it.each([
    ["admin, every role", admin, all, true],
    ["admin, SYSTEM_ADMIN", admin, [Role.SYSTEM_ADMIN], true],
    ["coordinator, every role but SYSTEM_ADMIN", coordinator, allButAdmin, true],
    ["coordinator, PROVINCIAL_COORDINATOR", coordinator, [Role.PROVINCIAL_COORDINATOR], true],
    ["coordinator, SYSTEM_ADMIN", coordinator, [Role.SYSTEM_ADMIN], false],
    ["coordinator, SYSTEM_ADMIN among others", coordinator, [Role.VIEWER, Role.SYSTEM_ADMIN], false],
    ["leader, VIEWER", leader, [Role.VIEWER], false],
    ["district officer, COMMUNE_OFFICER", district, [Role.COMMUNE_OFFICER], false],
    ["commune officer, VILLAGE_BOARD_MEMBER", commune, [Role.VILLAGE_BOARD_MEMBER], false],
    ["no role, VIEWER", noRole, [Role.VIEWER], false],
  ])("%s", (_label, v, roles, expected) => {
    expect(canGrantRoles(v, roles)).toBe(expected);
  });
});

describe("managing one user (canManageUser, canDisableUser, canChangeRolesOf, userPermissions)", () => {
  const communeUser = { userId: 1, orgUnitPath: COMMUNE, roles: [Role.COMMUNE_OFFICER] };
  const adminBelow = { userId: 2, orgUnitPath: COMMUNE, roles: [Role.SYSTEM_ADMIN] };
  const elsewhere = { userId: 3, orgUnitPath: OTHER_PROVINCE, roles: [Role.VIEWER] };
  const coordinatorSelf = { userId: 100, orgUnitPath: PROVINCE, roles: [Role.PROVINCIAL_COORDINATOR] };
  const adminSelf = { userId: 100, orgUnitPath: "/50/", roles: [Role.SYSTEM_ADMIN] };
  const communeSelf = { userId: 100, orgUnitPath: COMMUNE, roles: [Role.COMMUNE_OFFICER] };

  it.each([
    ["admin, a commune user", admin, communeUser, { update: true, disable: true, changeRoles: true }],
    ["admin, another admin", admin, adminBelow, { update: true, disable: true, changeRoles: true }],
    ["admin, self", admin, adminSelf, { update: true, disable: false, changeRoles: false }],
    [
      "coordinator, a commune user",
      coordinator,
      communeUser,
      { update: true, disable: true, changeRoles: true },
    ],
    [
      "coordinator, an admin below",
      coordinator,
      adminBelow,
      { update: false, disable: false, changeRoles: false },
    ],
    [
      "coordinator, other province",
      coordinator,
      elsewhere,
      { update: false, disable: false, changeRoles: false },
    ],
    ["coordinator, self", coordinator, coordinatorSelf, { update: true, disable: false, changeRoles: false }],
    [
      "district officer, a commune user",
      district,
      communeUser,
      { update: false, disable: false, changeRoles: false },
    ],
    ["commune officer, self", commune, communeSelf, { update: false, disable: false, changeRoles: false }],
    ["viewer, a commune user", readOnly, communeUser, { update: false, disable: false, changeRoles: false }],
  ])("%s", (_label, v, target, expected) => {
    expect(userPermissions(v, target)).toEqual(expected);
    expect(canManageUser(v, target)).toBe(expected.update);
    expect(canDisableUser(v, target)).toBe(expected.disable);
    expect(canChangeRolesOf(v, target)).toBe(expected.changeRoles);
  });

  it("nobody manages a user they cannot read", () => {
    for (const v of [
      admin,
      coordinator,
      districtCoordinator,
      leader,
      department,
      district,
      commune,
      village,
      readOnly,
      noRole,
    ]) {
      for (const t of [communeUser, adminBelow, elsewhere, communeSelf]) {
        if (canManageUser(v, t)) expect(canReadUser(v, t)).toBe(true);
      }
    }
  });
});
