/**
 * Demo accounts, one per role, in distinct organizations of the seeded Bắc Kạn data, so a
 * portal can be tried as each kind of user. Idempotent: a user is inserted only when its e-mail
 * is missing, and an existing one is never changed. Needs the 2022 seed (seedBacKan2022) first.
 *
 * They all share one published password: never seed them into a production database.
 */
import type { DataSource, EntityManager } from "typeorm";
import { recordAudit } from "../audit/audit";
import { hashPassword } from "../auth/password";
import { User, UserRole, UserStatus } from "../auth/user.entity";
import { Organization } from "../organizations/organization.entity";
import { OrganizationKind } from "../organizations/organization.enums";
import { Confidence } from "../shared/provenance";
import { Role } from "../shared/roles";
import { foldDiacritics, normalizeName } from "../shared/text";
import { Unit } from "../units/unit.entity";
import { UnitLevel } from "../units/unit.enums";

/** The one password of every demo account (passes passwordProblem). */
export const DEMO_PASSWORD = "Demo.NTM.BacKan-125";

export const DEMO_EMAIL_DOMAIN = "demo.ntm.backan.vn";

/** The village of the demo village board: thôn Đông Lẻo of xã Bộc Bố (Pác Nặm), 16/16 criteria in 2022. */
export const DEMO_VILLAGE = { name: "Đông Lẻo", communeCode: "01864" } as const;

/** Code of the village development board the seed adds for the demo village. */
export const DEMO_VILLAGE_BOARD_CODE = "BPTT-01864-DONG-LEO";

export interface DemoUser {
  email: string;
  displayName: string;
  role: Role;
  /** Code of the user's organization. */
  organizationCode: string;
  /** Level and name of the unit their organization serves: the root of their scope. */
  scope: { level: UnitLevel; name: string };
  /** What they should see and do, for the README. */
  sees: string;
}

const at = (name: string) => `${name}@${DEMO_EMAIL_DOMAIN}`;

export const DEMO_USERS: readonly DemoUser[] = [
  {
    email: at("admin"),
    displayName: "Quản trị hệ thống (demo)",
    role: Role.SYSTEM_ADMIN,
    organizationCode: "STTTT",
    scope: { level: UnitLevel.PROVINCE, name: "Bắc Kạn" },
    sees: "Everything; manages every user and grants any role; reads the whole audit log.",
  },
  {
    email: at("coordinator"),
    displayName: "Cán bộ Văn phòng Điều phối NTM (demo)",
    role: Role.PROVINCIAL_COORDINATOR,
    organizationCode: "VPDP-NTM",
    scope: { level: UnitLevel.PROVINCE, name: "Bắc Kạn" },
    sees: "The whole province: runs the plan and its tasks, manages the users of the province (any role but SYSTEM_ADMIN), reads the province's audit log.",
  },
  {
    email: at("leader"),
    displayName: "Lãnh đạo UBND tỉnh (demo)",
    role: Role.PROVINCIAL_LEADER,
    organizationCode: "UBND-06",
    scope: { level: UnitLevel.PROVINCE, name: "Bắc Kạn" },
    sees: "The whole province, read-only.",
  },
  {
    email: at("department"),
    displayName: "Cán bộ Sở Nông nghiệp và PTNT (demo)",
    role: Role.DEPARTMENT_OFFICER,
    organizationCode: "SNN",
    scope: { level: UnitLevel.PROVINCE, name: "Bắc Kạn" },
    sees: "The tasks Sở Nông nghiệp và PTNT leads or cooperates on, and those delegated from them.",
  },
  {
    email: at("district"),
    displayName: "Cán bộ UBND thành phố Bắc Kạn (demo)",
    role: Role.DISTRICT_OFFICER,
    organizationCode: "UBND-058",
    scope: { level: UnitLevel.DISTRICT, name: "Bắc Kạn" },
    sees: "Thành phố Bắc Kạn and its wards and communes.",
  },
  {
    email: at("commune"),
    displayName: "Cán bộ UBND xã Bằng Vân (demo)",
    role: Role.COMMUNE_OFFICER,
    organizationCode: "UBND-01942",
    scope: { level: UnitLevel.COMMUNE, name: "Bằng Vân" },
    sees: "Xã Bằng Vân (huyện Ngân Sơn) and its villages.",
  },
  {
    email: at("village"),
    displayName: "Thành viên Ban phát triển thôn Đông Lẻo (demo)",
    role: Role.VILLAGE_BOARD_MEMBER,
    organizationCode: DEMO_VILLAGE_BOARD_CODE,
    scope: { level: UnitLevel.VILLAGE, name: "Đông Lẻo" },
    sees: "Thôn Đông Lẻo (xã Bộc Bố, huyện Pác Nặm).",
  },
  {
    email: at("viewer"),
    displayName: "Người xem UBND huyện Ngân Sơn (demo)",
    role: Role.VIEWER,
    organizationCode: "UBND-062",
    scope: { level: UnitLevel.DISTRICT, name: "Ngân Sơn" },
    sees: "Huyện Ngân Sơn and its communes, read-only.",
  },
];

/** The Ban phát triển thôn of the demo village, added when missing (the 2022 seed has no village boards). */
async function ensureVillageBoard(manager: EntityManager): Promise<void> {
  const orgs = manager.getRepository(Organization);
  if (await orgs.exists({ where: { code: DEMO_VILLAGE_BOARD_CODE } })) return;
  const rows: Array<{ village_id: number; commune_org_id: number | null }> = await manager.query(
    `SELECT v.id AS village_id,
            (SELECT o.id FROM organization o WHERE o.code = CONCAT('UBND-', c.code)) AS commune_org_id
       FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
      WHERE v.level = ? AND v.name = ? AND c.code = ?
      ORDER BY v.id LIMIT 1`,
    [UnitLevel.VILLAGE, DEMO_VILLAGE.name, DEMO_VILLAGE.communeCode],
  );
  const row = rows[0];
  if (!row) {
    throw new Error(
      `seedDemoUsers: no thôn ${DEMO_VILLAGE.name} under commune ${DEMO_VILLAGE.communeCode}; run seedBacKan2022 first`,
    );
  }
  const village = await manager.getRepository(Unit).findOneByOrFail({ id: Number(row.village_id) });
  const name = normalizeName(`Ban phát triển thôn ${village.name}`);
  await orgs.insert({
    code: DEMO_VILLAGE_BOARD_CODE,
    name,
    shortName: `BPT thôn ${village.name}`,
    nameFolded: foldDiacritics(name),
    kind: OrganizationKind.VILLAGE_DEVELOPMENT_BOARD,
    unitId: village.id,
    parentId: row.commune_org_id === null ? null : Number(row.commune_org_id),
    active: true,
    note: "Added for the demo accounts: every thôn has a development board; its members are not in the sources.",
    sources: village.sources,
    confidence: Confidence.UNCERTAIN,
  });
}

/**
 * Inserts the demo users that are missing (with their role and an audit entry each) in one
 * transaction; returns how many it inserted (0 on a second run).
 */
export async function seedDemoUsers(ds: DataSource): Promise<number> {
  return ds.transaction(async (manager) => {
    await ensureVillageBoard(manager);
    const users = manager.getRepository(User);
    let inserted = 0;
    for (const demo of DEMO_USERS) {
      if (await users.exists({ where: { email: demo.email } })) continue;
      const rows: Array<{ id: number; path: string }> = await manager.query(
        "SELECT o.id, un.path FROM organization o JOIN admin_unit un ON un.id = o.unit_id WHERE o.code = ?",
        [demo.organizationCode],
      );
      const org = rows[0];
      if (!org) {
        throw new Error(`seedDemoUsers: no organization ${demo.organizationCode}; run seedBacKan2022 first`);
      }
      const result = await users.insert({
        email: demo.email,
        displayName: demo.displayName,
        orgId: Number(org.id),
        passwordHash: await hashPassword(DEMO_PASSWORD),
        status: UserStatus.ACTIVE,
      });
      const id = Number(result.identifiers[0].id);
      await manager.getRepository(UserRole).insert({ userId: id, role: demo.role });
      await recordAudit(
        manager,
        { viewer: null, actorUserId: null, actorEmail: null, requestId: "seed:demo-users", ip: null },
        {
          action: "user.create",
          objectType: "User",
          objectId: id,
          scopePath: org.path,
          after: {
            id,
            email: demo.email,
            displayName: demo.displayName,
            orgId: Number(org.id),
            status: UserStatus.ACTIVE,
            roles: [demo.role],
          },
        },
      );
      inserted += 1;
    }
    return inserted;
  });
}
