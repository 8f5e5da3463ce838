import { registerEnumType } from "type-graphql";

/** What kind of body an organization is. Stored as a string so new kinds need no migration. */
export enum OrganizationKind {
  PEOPLES_COMMITTEE = "peoples_committee",
  COORDINATION_OFFICE = "coordination_office",
  OFFICE = "office",
  DEPARTMENT = "department",
  POLICE = "police",
  MILITARY = "military",
  BANK = "bank",
  MASS_ORGANIZATION = "mass_org",
  MANAGEMENT_BOARD = "management_board",
  VILLAGE_DEVELOPMENT_BOARD = "village_board",
}
registerEnumType(OrganizationKind, {
  name: "OrganizationKind",
  description:
    "peoples_committee (Ủy ban nhân dân), coordination_office (Văn phòng Điều phối NTM), office, department (Sở, Ban), police, military, bank, mass_org (Mặt trận, Hội, Đoàn), management_board (Ban quản lý xã), village_board (Ban phát triển thôn).",
});
