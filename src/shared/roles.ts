import { registerEnumType } from "type-graphql";

/** The roles a user may hold. What each may do is decided by the policies, never by resolvers. */
export enum Role {
  SYSTEM_ADMIN = "system_admin",
  PROVINCIAL_COORDINATOR = "provincial_coordinator",
  PROVINCIAL_LEADER = "provincial_leader",
  DEPARTMENT_OFFICER = "department_officer",
  DISTRICT_OFFICER = "district_officer",
  COMMUNE_OFFICER = "commune_officer",
  VILLAGE_BOARD_MEMBER = "village_board_member",
  VIEWER = "viewer",
}
registerEnumType(Role, {
  name: "Role",
  description:
    "SYSTEM_ADMIN; PROVINCIAL_COORDINATOR (Văn phòng Điều phối NTM); PROVINCIAL_LEADER (read-only, whole province); DEPARTMENT_OFFICER (Sở, Ban); DISTRICT_OFFICER (UBND huyện/thành phố); COMMUNE_OFFICER (UBND xã); VILLAGE_BOARD_MEMBER (Ban phát triển thôn); VIEWER (read-only in the organization's scope).",
});

export const ALL_ROLES: readonly Role[] = Object.values(Role);
