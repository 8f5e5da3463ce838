import { registerEnumType } from "type-graphql";

/** What a criteria set applies to. */
export enum CriteriaSetKind {
  COMMUNE = "commune",
  COMMUNE_ADVANCED = "commune_advanced",
  COMMUNE_MODEL = "commune_model",
  DISTRICT = "district",
  VILLAGE = "village",
}
registerEnumType(CriteriaSetKind, {
  name: "CriteriaSetKind",
  description:
    "commune (xã NTM), commune_advanced (xã NTM nâng cao), commune_model (xã NTM kiểu mẫu), district (huyện NTM), village (thôn NTM).",
});

/** How far an assessment has travelled: the commune's own, checked by the district, appraised by the province. */
export enum AssessmentStage {
  SELF = "self",
  DISTRICT_CHECKED = "district_checked",
  PROVINCE_APPRAISED = "province_appraised",
}
registerEnumType(AssessmentStage, {
  name: "AssessmentStage",
  description:
    "self (xã tự đánh giá), district_checked (huyện kiểm tra), province_appraised (tỉnh thẩm định).",
});

/** The level a recognition decision grants. */
export enum RecognitionLevel {
  NTM = "ntm",
  ADVANCED_NTM = "advanced_ntm",
  MODEL_NTM = "model_ntm",
  VILLAGE_NTM = "village_ntm",
  DISTRICT_NTM = "district_ntm",
  DISTRICT_COMPLETION = "district_completion",
}
registerEnumType(RecognitionLevel, {
  name: "RecognitionLevel",
  description:
    "ntm, advanced_ntm, model_ntm (communes); village_ntm; district_ntm (huyện đạt chuẩn); district_completion (thành phố hoàn thành nhiệm vụ xây dựng NTM).",
});
