import { AssessmentStage, RecognitionLevel } from "../../src/criteria/criteria.enums";
import {
  assessmentPermissions,
  canAppraiseAssessment,
  canCheckAssessment,
  canRecordAssessment,
  canRecordRecognition,
  canReturnAssessment,
  stageAfter,
  unitCriteriaPermissions,
} from "../../src/criteria/criteria.policy";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";

/** The criteria policies as tables: who may take each step on which unit. */
const P = { path: "/1/", level: "province" } as const;
const D1 = { path: "/1/2/", level: "district" } as const;
const C11 = { path: "/1/2/4/", level: "commune" } as const;
const V111 = { path: "/1/2/4/7/", level: "village" } as const;
const C21 = { path: "/1/3/6/", level: "commune" } as const;
const D3 = { path: "/10/11/", level: "district" } as const;

function viewer(role: Role, home: { path: string; level: Viewer["unitLevel"] }): Viewer {
  return {
    userId: 1,
    email: "x@test",
    orgId: 1,
    orgKind: "pc",
    unitId: 1,
    unitPath: home.path,
    unitLevel: home.level,
    roles: new Set([role]),
    sessionId: null,
  };
}

const commune = viewer(Role.COMMUNE_OFFICER, C11);
const district = viewer(Role.DISTRICT_OFFICER, D1);
const coordinator = viewer(Role.PROVINCIAL_COORDINATOR, P);
const leader = viewer(Role.PROVINCIAL_LEADER, P);
const department = viewer(Role.DEPARTMENT_OFFICER, P);
const districtViewer = viewer(Role.VIEWER, D1);
const admin = viewer(Role.SYSTEM_ADMIN, P);

describe("criteria policy", () => {
  it.each([
    ["commune on C11", commune, C11, true],
    ["commune on V111", commune, V111, true],
    ["commune on C21", commune, C21, false],
    ["commune on D1", commune, D1, false],
    ["district on D1", district, D1, true],
    ["district on C11", district, C11, false],
    ["coordinator on C11", coordinator, C11, false],
    ["leader on C11", leader, C11, false],
    ["department on C11", department, C11, false],
    ["viewer on C11", districtViewer, C11, false],
    ["admin on C11", admin, C11, true],
    ["admin on P", admin, P, false],
  ] as const)("record: %s", (_n, v, unit, expected) => {
    expect(canRecordAssessment(v, unit)).toBe(expected);
  });

  it.each([
    ["district on C11", district, C11, true],
    ["district on V111", district, V111, true],
    ["district on D1", district, D1, false],
    ["district on C21", district, C21, false],
    ["coordinator on C11", coordinator, C11, false],
    ["commune on C11", commune, C11, false],
    ["viewer on C11", districtViewer, C11, false],
  ] as const)("check: %s", (_n, v, unit, expected) => {
    expect(canCheckAssessment(v, unit)).toBe(expected);
  });

  it.each([
    ["coordinator on C11", coordinator, C11, true],
    ["coordinator on D1", coordinator, D1, true],
    ["coordinator on V111", coordinator, V111, false],
    ["coordinator on D3", coordinator, D3, false],
    ["district on C11", district, C11, false],
    ["department on C11", department, C11, false],
    ["leader on C11", leader, C11, false],
  ] as const)("appraise: %s", (_n, v, unit, expected) => {
    expect(canAppraiseAssessment(v, unit)).toBe(expected);
  });

  it("moves stages by level", () => {
    expect(stageAfter("check", "commune", AssessmentStage.SELF)).toBe(AssessmentStage.DISTRICT_CHECKED);
    expect(stageAfter("check", "commune", AssessmentStage.DISTRICT_CHECKED)).toBeNull();
    expect(stageAfter("appraise", "commune", AssessmentStage.SELF)).toBeNull();
    expect(stageAfter("appraise", "commune", AssessmentStage.DISTRICT_CHECKED)).toBe(
      AssessmentStage.PROVINCE_APPRAISED,
    );
    expect(stageAfter("appraise", "village", AssessmentStage.DISTRICT_CHECKED)).toBeNull();
    expect(stageAfter("appraise", "district", AssessmentStage.SELF)).toBe(AssessmentStage.PROVINCE_APPRAISED);
    expect(stageAfter("return", "commune", AssessmentStage.PROVINCE_APPRAISED)).toBe(AssessmentStage.SELF);
  });

  it("returns: the district before appraisal, the province after the check", () => {
    expect(canReturnAssessment(district, C11, AssessmentStage.SELF)).toBe(true);
    expect(canReturnAssessment(district, C11, AssessmentStage.PROVINCE_APPRAISED)).toBe(false);
    expect(canReturnAssessment(coordinator, C11, AssessmentStage.SELF)).toBe(false);
    expect(canReturnAssessment(coordinator, C11, AssessmentStage.DISTRICT_CHECKED)).toBe(true);
    expect(canReturnAssessment(coordinator, D1, AssessmentStage.SELF)).toBe(true);
    expect(assessmentPermissions(district, C11, AssessmentStage.SELF)).toEqual({
      record: false,
      check: true,
      appraise: false,
      return: true,
    });
  });

  it.each([
    ["coordinator NTM", coordinator, C11, RecognitionLevel.NTM, true],
    ["coordinator model", coordinator, C11, RecognitionLevel.MODEL_NTM, true],
    ["coordinator village", coordinator, V111, RecognitionLevel.VILLAGE_NTM, false],
    ["coordinator district", coordinator, D1, RecognitionLevel.DISTRICT_NTM, false],
    ["district village", district, V111, RecognitionLevel.VILLAGE_NTM, true],
    ["district NTM", district, C11, RecognitionLevel.NTM, false],
    ["commune village", commune, V111, RecognitionLevel.VILLAGE_NTM, false],
    ["leader NTM", leader, C11, RecognitionLevel.NTM, false],
    ["admin village", admin, V111, RecognitionLevel.VILLAGE_NTM, true],
  ] as const)("recognize: %s", (_n, v, unit, level, expected) => {
    expect(canRecordRecognition(v, unit, level)).toBe(expected);
  });

  it("offers the levels that fit the unit", () => {
    expect(unitCriteriaPermissions(coordinator, C11).recognize).toEqual([
      RecognitionLevel.NTM,
      RecognitionLevel.ADVANCED_NTM,
      RecognitionLevel.MODEL_NTM,
    ]);
    expect(unitCriteriaPermissions(district, V111)).toEqual({
      recordAssessment: false,
      recognize: [RecognitionLevel.VILLAGE_NTM],
    });
  });
});
