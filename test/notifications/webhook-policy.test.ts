import { canManageWebhooks } from "../../src/notifications/webhook.policy";
import { parseWebhookEvents, webhookUrlProblem } from "../../src/notifications/webhook-input";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";

/** Paths: /1/ province, /1/2/ district, /1/2/4/ commune (org 40), /1/2/5/ sibling commune (org 50), /1/3/ other district. */
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
const districtCoordinator = v([Role.PROVINCIAL_COORDINATOR], "/1/3/", "district", 30);
const leader = v([Role.PROVINCIAL_LEADER], "/1/", "province", 3);
const district = v([Role.DISTRICT_OFFICER], "/1/2/", "district", 20);
const commune = v([Role.COMMUNE_OFFICER], "/1/2/4/", "commune", 40);
const communeViewer = v([Role.VIEWER], "/1/2/4/", "commune", 40);
const village = v([Role.VILLAGE_BOARD_MEMBER], "/1/2/4/7/", "village", 70);

const own = { orgId: 40, unitPath: "/1/2/4/" };
const sibling = { orgId: 50, unitPath: "/1/2/5/" };
const otherDistrict = { orgId: 60, unitPath: "/1/3/6/" };

describe("canManageWebhooks", () => {
  it.each([
    ["admin, any organization", admin, otherDistrict, true],
    ["coordinator, organization in scope", coordinator, own, true],
    ["coordinator scoped elsewhere", districtCoordinator, own, false],
    ["coordinator scoped elsewhere, in its scope", districtCoordinator, otherDistrict, true],
    ["leader (read-only)", leader, own, false],
    ["district officer, a commune below (not its organization)", district, own, false],
    ["commune officer, own organization", commune, own, true],
    ["commune officer, sibling commune", commune, sibling, false],
    ["commune officer, another district", commune, otherDistrict, false],
    ["viewer of the organization", communeViewer, own, false],
    ["village board member, its commune", village, own, false],
    ["village board member, own organization", village, { orgId: 70, unitPath: "/1/2/4/7/" }, true],
  ])("%s", (_name, viewer, org, expected) => {
    expect(canManageWebhooks(viewer, org)).toBe(expected);
  });
});

describe("webhookUrlProblem", () => {
  it.each([
    ["https://hooks.example.vn/ntm", true],
    ["http://localhost:8080/x", true],
    ["http://127.0.0.1:9/x", true],
    ["http://hooks.example.vn/ntm", false],
    ["ftp://hooks.example.vn/", false],
    ["https://user:pw@hooks.example.vn/", false],
    ["not a url", false],
    ["", false],
  ])("%s", (url, ok) => {
    expect(webhookUrlProblem(url) === null).toBe(ok);
  });
});

describe("parseWebhookEvents", () => {
  it("keeps known events once, in a stable order", () => {
    expect(parseWebhookEvents(["approved", "ASSIGNED", "approved"])).toEqual({
      events: ["assigned", "approved"],
    });
  });
  it.each([[[]], [["assigned", "deleted"]]])("refuses %j", (events) => {
    expect(parseWebhookEvents(events)).toHaveProperty("problem");
  });
});
