import { registerEnumType } from "type-graphql";

/** The four levels of the administrative tree. */
export enum UnitLevel {
  PROVINCE = "province",
  DISTRICT = "district",
  COMMUNE = "commune",
  VILLAGE = "village",
}
registerEnumType(UnitLevel, { name: "UnitLevel", description: "Level in the administrative tree (cấp)." });

/** Official unit types (loại đơn vị hành chính). */
export enum UnitType {
  TINH = "tinh",
  THANH_PHO_TW = "thanh_pho_tw",
  THANH_PHO = "thanh_pho",
  THI_XA = "thi_xa",
  HUYEN = "huyen",
  XA = "xa",
  PHUONG = "phuong",
  THI_TRAN = "thi_tran",
  THON = "thon",
  BAN = "ban",
  TO_DAN_PHO = "to_dan_pho",
}
registerEnumType(UnitType, {
  name: "UnitType",
  description:
    "Official type: tinh/thanh_pho_tw (province), thanh_pho/thi_xa/huyen (district level), xa/phuong/thi_tran (commune level), thon/ban/to_dan_pho (village).",
});

export const LEVEL_OF_TYPE: Record<UnitType, UnitLevel> = {
  [UnitType.TINH]: UnitLevel.PROVINCE,
  [UnitType.THANH_PHO_TW]: UnitLevel.PROVINCE,
  [UnitType.THANH_PHO]: UnitLevel.DISTRICT,
  [UnitType.THI_XA]: UnitLevel.DISTRICT,
  [UnitType.HUYEN]: UnitLevel.DISTRICT,
  [UnitType.XA]: UnitLevel.COMMUNE,
  [UnitType.PHUONG]: UnitLevel.COMMUNE,
  [UnitType.THI_TRAN]: UnitLevel.COMMUNE,
  [UnitType.THON]: UnitLevel.VILLAGE,
  [UnitType.BAN]: UnitLevel.VILLAGE,
  [UnitType.TO_DAN_PHO]: UnitLevel.VILLAGE,
};

/** The level a parent of each level must have. */
export const PARENT_LEVEL: Record<UnitLevel, UnitLevel | null> = {
  [UnitLevel.PROVINCE]: null,
  [UnitLevel.DISTRICT]: UnitLevel.PROVINCE,
  [UnitLevel.COMMUNE]: UnitLevel.DISTRICT,
  [UnitLevel.VILLAGE]: UnitLevel.COMMUNE,
};
