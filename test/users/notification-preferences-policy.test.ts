import "reflect-metadata";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import { canManageNotificationPreferences } from "../../src/users/user.policy";

function viewer(role: Role, unitPath: string, userId = 100): Viewer {
  return {
    userId,
    email: `v${userId}@test.vn`,
    orgId: 1,
    orgKind: "peoples_committee",
    unitId: 1,
    unitPath,
    unitLevel: "district",
    roles: new Set([role]),
    sessionId: null,
  };
}

const self = { userId: 100, orgUnitPath: "/1/2/" };
const below = { userId: 7, orgUnitPath: "/1/2/3/" };
const elsewhere = { userId: 8, orgUnitPath: "/9/" };

describe("canManageNotificationPreferences", () => {
  it.each([
    ["a commune officer, their own", viewer(Role.COMMUNE_OFFICER, "/1/2/3/", 100), self, true],
    ["a commune officer, a colleague's", viewer(Role.COMMUNE_OFFICER, "/1/2/3/", 100), below, false],
    ["a coordinator, a user in their territory", viewer(Role.PROVINCIAL_COORDINATOR, "/1/"), below, false],
    ["a coordinator, their own", viewer(Role.PROVINCIAL_COORDINATOR, "/1/"), self, true],
    ["an administrator, anyone's", viewer(Role.SYSTEM_ADMIN, "/50/"), elsewhere, true],
    ["a viewer, their own", viewer(Role.VIEWER, "/1/2/"), self, true],
  ])("%s: %s", (_what, v, target, expected) => {
    expect(canManageNotificationPreferences(v, target)).toBe(expected);
  });
});
