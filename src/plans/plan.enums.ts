import { registerEnumType } from "type-graphql";

/** How a target's number is to be read. */
export enum TargetKind {
  /** reach `targetValue` more than the baseline (9 more NTM communes) */
  INCREASE = "increase",
  /** reach the level `targetValue` (13.5 criteria per xã on average) */
  LEVEL = "level",
  /** every unit in scope gains at least `targetValue` (each other commune: at least 1 more criterion) */
  MINIMUM_EACH = "minimum_each",
  /** keep a status already reached (Bắc Kạn city keeps its completed status) */
  MAINTAIN = "maintain",
}
registerEnumType(TargetKind, { name: "TargetKind" });

/** What a roadmap entry aims for. */
export enum RoadmapLevel {
  NTM = "ntm",
  ADVANCED_NTM = "advanced_ntm",
  MODEL_NTM = "model_ntm",
  VILLAGE_NTM = "village_ntm",
}
registerEnumType(RoadmapLevel, {
  name: "RoadmapLevel",
  description:
    "ntm (xã đạt chuẩn NTM), advanced_ntm (NTM nâng cao), model_ntm (NTM kiểu mẫu), village_ntm (thôn NTM).",
});

export enum RoadmapOutcome {
  PENDING = "pending",
  REACHED = "reached",
  MISSED = "missed",
}
registerEnumType(RoadmapOutcome, { name: "RoadmapOutcome" });
