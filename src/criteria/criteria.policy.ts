import { Field, ObjectType } from "type-graphql";
import { coordinates } from "../plans/plan.policy";
import { Role } from "../shared/roles";
import { hasRole, inSubtree, type Viewer } from "../shared/viewer";
import { AssessmentStage, CriteriaSetKind, RecognitionLevel } from "./criteria.enums";

/**
 * Who may take each step of the criteria workflow (pure functions over loaded facts).
 *
 * Reading: criteria, assessments and recognitions are public results (the province publishes
 * them, the roll-up shows them to everyone): every signed-in user reads them.
 *
 * Assessments move SELF → DISTRICT_CHECKED → PROVINCE_APPRAISED for a commune; a village's stops
 * at DISTRICT_CHECKED (districts recognize villages); a district's own (district criteria) goes
 * SELF → PROVINCE_APPRAISED. A new recording by the unit sends any stage back to SELF.
 * - record: officers of the commune, for the commune and its villages; officers of a district,
 *   for the district itself;
 * - check (and return before appraisal): district officers, for communes and villages of their district;
 * - appraise (and return): the province's coordinators (the reference data names no responsible
 *   department per criterion, so the Coordination Office appraises every criterion).
 * Recognition: commune levels by the province's coordinators (the chairman's decision), village
 * NTM by the officers of the village's district; district levels are the Prime Minister's and
 * are not recorded through the API. Revoking follows the level the same way.
 */
export interface UnitFacts {
  path: string;
  level: Viewer["unitLevel"];
}

const admin = (viewer: Viewer) => hasRole(viewer, Role.SYSTEM_ADMIN);

/** A district officer acting for units strictly below their district. */
function districtOver(viewer: Viewer, unit: UnitFacts): boolean {
  return (
    hasRole(viewer, Role.DISTRICT_OFFICER) &&
    viewer.unitLevel === "district" &&
    unit.path !== viewer.unitPath &&
    inSubtree(viewer, unit.path)
  );
}

export function canRecordAssessment(viewer: Viewer, unit: UnitFacts): boolean {
  if (unit.level === "province") return false;
  if (admin(viewer)) return true;
  if (unit.level === "district")
    return (
      hasRole(viewer, Role.DISTRICT_OFFICER) &&
      viewer.unitLevel === "district" &&
      unit.path === viewer.unitPath
    );
  return (
    hasRole(viewer, Role.COMMUNE_OFFICER) && viewer.unitLevel === "commune" && inSubtree(viewer, unit.path)
  );
}

export function canCheckAssessment(viewer: Viewer, unit: UnitFacts): boolean {
  if (unit.level !== "commune" && unit.level !== "village") return false;
  return admin(viewer) || districtOver(viewer, unit);
}

export function canAppraiseAssessment(viewer: Viewer, unit: UnitFacts): boolean {
  if (unit.level !== "commune" && unit.level !== "district") return false;
  return coordinates(viewer, unit.path);
}

/** The stage a review step leads to from `stage`, for a unit at `level`; null when the step does not apply. */
export function stageAfter(
  step: "check" | "appraise" | "return",
  level: Viewer["unitLevel"],
  stage: AssessmentStage,
): AssessmentStage | null {
  switch (step) {
    case "check":
      return (level === "commune" || level === "village") && stage === AssessmentStage.SELF
        ? AssessmentStage.DISTRICT_CHECKED
        : null;
    case "appraise":
      if (level === "commune" && stage === AssessmentStage.DISTRICT_CHECKED)
        return AssessmentStage.PROVINCE_APPRAISED;
      if (level === "district" && stage === AssessmentStage.SELF) return AssessmentStage.PROVINCE_APPRAISED;
      return null;
    case "return":
      return level === "province" ? null : AssessmentStage.SELF;
  }
}

/** Returning: the district before appraisal, the province once the district has checked (or for a district). */
export function canReturnAssessment(viewer: Viewer, unit: UnitFacts, stage: AssessmentStage): boolean {
  const districtStage = stage === AssessmentStage.SELF || stage === AssessmentStage.DISTRICT_CHECKED;
  const provinceStage =
    unit.level === "district" ? true : stage !== AssessmentStage.SELF && unit.level === "commune";
  return (
    (districtStage && canCheckAssessment(viewer, unit)) ||
    (provinceStage && canAppraiseAssessment(viewer, unit))
  );
}

/** The stage an assessment must have reached to count towards a recognition at the unit's level. */
export function finalStage(level: Viewer["unitLevel"]): AssessmentStage {
  return level === "village" ? AssessmentStage.DISTRICT_CHECKED : AssessmentStage.PROVINCE_APPRAISED;
}

/** The unit level each recognition level applies to. */
export const UNIT_LEVEL_OF: Record<RecognitionLevel, Viewer["unitLevel"]> = {
  [RecognitionLevel.NTM]: "commune",
  [RecognitionLevel.ADVANCED_NTM]: "commune",
  [RecognitionLevel.MODEL_NTM]: "commune",
  [RecognitionLevel.VILLAGE_NTM]: "village",
  [RecognitionLevel.DISTRICT_NTM]: "district",
  [RecognitionLevel.DISTRICT_COMPLETION]: "district",
};

/** The criteria set a recognition level is judged against; null for levels recorded outside the API. */
export const SET_KIND_OF: Record<RecognitionLevel, CriteriaSetKind | null> = {
  [RecognitionLevel.NTM]: CriteriaSetKind.COMMUNE,
  [RecognitionLevel.ADVANCED_NTM]: CriteriaSetKind.COMMUNE_ADVANCED,
  [RecognitionLevel.MODEL_NTM]: CriteriaSetKind.COMMUNE_MODEL,
  [RecognitionLevel.VILLAGE_NTM]: CriteriaSetKind.VILLAGE,
  [RecognitionLevel.DISTRICT_NTM]: null,
  [RecognitionLevel.DISTRICT_COMPLETION]: null,
};

/** The level a commune must already hold before this one (nâng cao after NTM, kiểu mẫu after nâng cao). */
export const PREREQUISITE_OF: Partial<Record<RecognitionLevel, RecognitionLevel>> = {
  [RecognitionLevel.ADVANCED_NTM]: RecognitionLevel.NTM,
  [RecognitionLevel.MODEL_NTM]: RecognitionLevel.ADVANCED_NTM,
};

/** The unit levels whose assessments a criteria set holds. */
export function setFitsUnit(kind: CriteriaSetKind, level: Viewer["unitLevel"]): boolean {
  switch (kind) {
    case CriteriaSetKind.COMMUNE:
    case CriteriaSetKind.COMMUNE_ADVANCED:
    case CriteriaSetKind.COMMUNE_MODEL:
      return level === "commune";
    case CriteriaSetKind.DISTRICT:
      return level === "district";
    case CriteriaSetKind.VILLAGE:
      return level === "village";
  }
}

/** Recording (and revoking) a recognition of `level`; the unit's level is checked by the command. */
export function canRecordRecognition(viewer: Viewer, unit: UnitFacts, level: RecognitionLevel): boolean {
  switch (UNIT_LEVEL_OF[level]) {
    case "commune":
      return coordinates(viewer, unit.path);
    case "village":
      return admin(viewer) || districtOver(viewer, unit);
    default:
      return false;
  }
}

export const canRevokeRecognition = canRecordRecognition;

@ObjectType({ description: "What the viewer may do with this assessment now." })
export class AssessmentPermissions {
  @Field({ description: "Record it again (recordAssessment); sends it back to SELF." })
  record!: boolean;

  @Field({ description: "reviewAssessment CHECK (huyện kiểm tra)." })
  check!: boolean;

  @Field({ description: "reviewAssessment APPRAISE (tỉnh thẩm định)." })
  appraise!: boolean;

  @Field({ description: "reviewAssessment RETURN, with a reason." })
  return!: boolean;
}

export function assessmentPermissions(
  viewer: Viewer,
  unit: UnitFacts,
  stage: AssessmentStage,
): AssessmentPermissions {
  return {
    record: canRecordAssessment(viewer, unit),
    check: canCheckAssessment(viewer, unit) && stageAfter("check", unit.level, stage) !== null,
    appraise: canAppraiseAssessment(viewer, unit) && stageAfter("appraise", unit.level, stage) !== null,
    return: canReturnAssessment(viewer, unit, stage),
  };
}

@ObjectType({ description: "What the viewer may do with this recognition now." })
export class RecognitionPermissions {
  @Field({ description: "revokeRecognition (thu hồi); false once revoked." })
  revoke!: boolean;
}

@ObjectType({ description: "What the viewer may do with this unit's criteria and recognitions." })
export class UnitCriteriaPermissions {
  @Field({ description: "recordAssessment for this unit." })
  recordAssessment!: boolean;

  @Field(() => [RecognitionLevel], { description: "Levels the viewer may recognize this unit at." })
  recognize!: RecognitionLevel[];
}

export function unitCriteriaPermissions(viewer: Viewer, unit: UnitFacts): UnitCriteriaPermissions {
  return {
    recordAssessment: canRecordAssessment(viewer, unit),
    recognize: (Object.values(RecognitionLevel) as RecognitionLevel[]).filter(
      (l) => UNIT_LEVEL_OF[l] === unit.level && canRecordRecognition(viewer, unit, l),
    ),
  };
}
