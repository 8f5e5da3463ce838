import type { User } from "../../src/auth/user.entity";
import { CriteriaSetKind } from "../../src/criteria/criteria.enums";
import type { Criterion, Indicator } from "../../src/criteria/criterion.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { decodeId, toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";
import { makeCriteriaSet } from "./fixtures";

/**
 * The whole path over HTTP against the real schema and MariaDB: a commune assesses itself, the
 * district checks (or returns), the province appraises criterion by criterion, the coordinators
 * record the chairman's recognition and later revoke it; villages are recognized by their
 * district. Stored state is read back from the database after each step, and every refusal is
 * a typed userError that leaves the database as it was.
 */
type UserErrors = Array<{ code: string; message: string; field: string[] }>;

const ASSESSMENT = `id version stage met note evidence returnedReason assessedOn reviewedOn
  indicatorValues { met value valueText indicator { code } }
  viewerCan { record check appraise return }`;
const RECORD = `mutation($i: RecordAssessmentInput!) { r: recordAssessment(input: $i) { assessment { ${ASSESSMENT} } userErrors { code message field } } }`;
const REVIEW = `mutation($i: ReviewAssessmentInput!) { r: reviewAssessment(input: $i) { assessment { ${ASSESSMENT} } userErrors { code message field } } }`;
const RECOGNITION = `id version level standardYear decisionNo decidedOn decidedBy revokedOn revocationDecisionNo revocationReason criteriaOverride note viewerCan { revoke }`;
const RECOGNIZE = `mutation($i: RecordRecognitionInput!) { r: recordRecognition(input: $i) { recognition { ${RECOGNITION} } userErrors { code message field } } }`;
const REVOKE = `mutation($i: RevokeRecognitionInput!) { r: revokeRecognition(input: $i) { recognition { ${RECOGNITION} } userErrors { code message field } } }`;

interface AssessmentOut {
  id: string;
  version: number;
  stage: string;
  met: boolean;
  note: string | null;
  evidence: string[];
  returnedReason: string | null;
  assessedOn: string | null;
  reviewedOn: string | null;
  indicatorValues: Array<{
    met: boolean | null;
    value: string | null;
    valueText: string | null;
    indicator: { code: string };
  }>;
  viewerCan: { record: boolean; check: boolean; appraise: boolean; return: boolean };
}
interface RecognitionOut {
  id: string;
  version: number;
  level: string;
  standardYear: number;
  decisionNo: string;
  decidedOn: string;
  decidedBy: string;
  revokedOn: string | null;
  revocationDecisionNo: string | null;
  revocationReason: string | null;
  criteriaOverride: boolean;
  note: string | null;
  viewerCan: { revoke: boolean };
}

describe("criteria and recognition workflow", () => {
  let app: TestApp;
  let tree: Tree;
  let commune: { criteria: Criterion[]; indicators: Indicator[] };
  let advanced: { criteria: Criterion[] };
  let village: { criteria: Criterion[] };
  const token = {} as Record<
    | "commune"
    | "otherCommune"
    | "district"
    | "otherDistrict"
    | "coordinator"
    | "leader"
    | "viewer"
    | "department",
    string
  >;
  let communeUser: User;

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Quy trình");
    commune = await makeCriteriaSet(ds, CriteriaSetKind.COMMUNE, 2);
    advanced = await makeCriteriaSet(ds, CriteriaSetKind.COMMUNE_ADVANCED, 1);
    village = await makeCriteriaSet(ds, CriteriaSetKind.VILLAGE, 1);
    const c11 = await makeOrg(ds, { unit: tree.communes[0][0] });
    const c12 = await makeOrg(ds, { unit: tree.communes[0][1] });
    const d1 = await makeOrg(ds, { unit: tree.districts[0] });
    const d2 = await makeOrg(ds, { unit: tree.districts[1] });
    const office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối NTM",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    const pc = await makeOrg(ds, { unit: tree.province });
    const dept = await makeOrg(ds, {
      unit: tree.province,
      name: "Sở Xây dựng",
      kind: OrganizationKind.DEPARTMENT,
    });
    communeUser = await makeUser(ds, { org: c11, roles: [Role.COMMUNE_OFFICER] });
    token.commune = await app.tokenFor(communeUser);
    token.otherCommune = await app.tokenFor(await makeUser(ds, { org: c12, roles: [Role.COMMUNE_OFFICER] }));
    token.district = await app.tokenFor(await makeUser(ds, { org: d1, roles: [Role.DISTRICT_OFFICER] }));
    token.otherDistrict = await app.tokenFor(await makeUser(ds, { org: d2, roles: [Role.DISTRICT_OFFICER] }));
    token.coordinator = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    token.leader = await app.tokenFor(await makeUser(ds, { org: pc, roles: [Role.PROVINCIAL_LEADER] }));
    token.viewer = await app.tokenFor(await makeUser(ds, { org: d1, roles: [Role.VIEWER] }));
    token.department = await app.tokenFor(
      await makeUser(ds, { org: dept, roles: [Role.DEPARTMENT_OFFICER] }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const gid = toGlobalId;
  async function call<T>(who: keyof typeof token, query: string, input: Record<string, unknown>) {
    const r = await app.gqlAs<{ r: T & { userErrors: UserErrors } }>(token[who], query, { i: input });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.r;
  }
  /** Everything the workflow writes, to prove a refusal changed nothing. */
  const state = () =>
    app.db.ds.query(
      `SELECT (SELECT GROUP_CONCAT(CONCAT_WS(':', id, stage, met, version, COALESCE(returned_reason, '')) ORDER BY id) FROM assessment) a,
              (SELECT GROUP_CONCAT(CONCAT_WS(':', assessment_id, indicator_id, COALESCE(value, '')) ORDER BY id) FROM assessment_indicator) i,
              (SELECT GROUP_CONCAT(CONCAT_WS(':', id, level, version, COALESCE(revoked_on, '')) ORDER BY id) FROM recognition) r,
              (SELECT COUNT(*) FROM audit_entry) au`,
    );
  async function refused(
    who: keyof typeof token,
    query: string,
    input: Record<string, unknown>,
    code: string,
  ): Promise<UserErrors> {
    const before = await state();
    const r = await call<Record<string, unknown>>(who, query, input);
    expect(r.userErrors.map((e) => e.code)).toEqual([code]);
    expect(await state()).toEqual(before);
    return r.userErrors;
  }
  const c11 = () => tree.communes[0][0];
  const recordInput = (criterion: Criterion, extra: Record<string, unknown> = {}) => ({
    unitId: gid("Unit", c11().id),
    criterionId: gid("Criterion", criterion.id),
    year: 2022,
    met: true,
    evidence: ["Báo cáo số 12/BC-UBND ngày 05/12/2022"],
    ...extra,
  });

  it("runs self-assessment → district check → province appraisal → recognition → revocation", async () => {
    const [c1, c2] = commune.criteria;
    const [i1, i2] = commune.indicators;
    // Vietnamese arrives decomposed (NFD) and is stored composed (NFC), with its marks intact.
    const noteNfd = "Xã đã hoàn thành quy hoạch chung".normalize("NFD");
    const first = await call<{ assessment: AssessmentOut }>(
      "commune",
      RECORD,
      recordInput(c1, {
        note: noteNfd,
        evidence: ["Quyết định phê duyệt quy hoạch số 345/QĐ-UBND", "https://backan.gov.vn/quy-hoach-xa"],
        indicatorValues: [
          { indicatorId: gid("Indicator", i1.id), met: true, value: "100", valueText: "Đạt 100%" },
          { indicatorId: gid("Indicator", i2.id), met: true },
        ],
      }),
    );
    expect(first.userErrors).toEqual([]);
    const a1 = first.assessment;
    expect(a1).toMatchObject({
      version: 1,
      stage: "SELF",
      met: true,
      note: "Xã đã hoàn thành quy hoạch chung",
      evidence: ["Quyết định phê duyệt quy hoạch số 345/QĐ-UBND", "https://backan.gov.vn/quy-hoach-xa"],
      assessedOn: "2022-06-15",
      viewerCan: { record: true, check: false, appraise: false, return: false },
    });
    expect(a1.indicatorValues).toEqual([
      { indicator: { code: "1.1" }, met: true, value: "100", valueText: "Đạt 100%" },
      { indicator: { code: "1.2" }, met: true, value: null, valueText: null },
    ]);
    const [row1] = await app.db.ds.query(
      "SELECT stage, met, version, note, HEX(note) AS hex, assessed_by_org_id FROM assessment WHERE unit_id = ? AND criterion_id = ?",
      [c11().id, c1.id],
    );
    expect(row1).toMatchObject({
      stage: "self",
      met: 1,
      version: 1,
      note: "Xã đã hoàn thành quy hoạch chung",
    });
    expect(row1.hex).toBe(
      Buffer.from("Xã đã hoàn thành quy hoạch chung".normalize("NFC")).toString("hex").toUpperCase(),
    );
    expect(row1.assessed_by_org_id).toBe(communeUser.orgId);

    const second = await call<{ assessment: AssessmentOut }>("commune", RECORD, recordInput(c2));
    expect(second.userErrors).toEqual([]);
    let a2 = second.assessment;

    // Not yet appraised: no recognition without an override.
    const recognize = {
      unitId: gid("Unit", c11().id),
      level: "NTM",
      decisionNo: "2345/QĐ-UBND",
      decidedOn: "2022-12-28",
      decidedBy: "Chủ tịch UBND tỉnh Bắc Kạn",
    };
    const notMet = await refused("coordinator", RECOGNIZE, recognize, "CRITERIA_NOT_MET");
    expect(notMet[0].message).toContain("0 of 2");

    // The province cannot appraise before the district has checked; the commune cannot check itself.
    await refused(
      "coordinator",
      REVIEW,
      { assessmentId: a1.id, decision: "APPRAISE", version: 1 },
      "ILLEGAL_TRANSITION",
    );
    await refused("commune", REVIEW, { assessmentId: a1.id, decision: "CHECK", version: 1 }, "FORBIDDEN");
    await refused("coordinator", REVIEW, { assessmentId: a1.id, decision: "CHECK", version: 1 }, "FORBIDDEN");
    await refused(
      "otherDistrict",
      REVIEW,
      { assessmentId: a1.id, decision: "CHECK", version: 1 },
      "FORBIDDEN",
    );

    // District checks criterion 1 and returns criterion 2 with a reason.
    const checked = await call<{ assessment: AssessmentOut }>("district", REVIEW, {
      assessmentId: a1.id,
      decision: "CHECK",
      version: 1,
    });
    expect(checked.assessment).toMatchObject({
      stage: "DISTRICT_CHECKED",
      version: 2,
      reviewedOn: "2022-06-15",
    });
    await refused(
      "district",
      REVIEW,
      { assessmentId: a2.id, decision: "RETURN", version: 1 },
      "BAD_USER_INPUT",
    );
    const returned = await call<{ assessment: AssessmentOut }>("district", REVIEW, {
      assessmentId: a2.id,
      decision: "RETURN",
      version: 1,
      reason: "Thiếu biên bản kiểm tra của huyện",
    });
    expect(returned.assessment).toMatchObject({
      stage: "SELF",
      version: 2,
      returnedReason: "Thiếu biên bản kiểm tra của huyện",
    });
    // The commune records it again: a stale version is a CONFLICT, the current one clears the reason.
    const stale = await refused("commune", RECORD, recordInput(c2, { version: 1 }), "CONFLICT");
    expect(stale[0].message).toContain("version is now 2");
    await refused("commune", RECORD, recordInput(c2), "CONFLICT");
    const again = await call<{ assessment: AssessmentOut }>(
      "commune",
      RECORD,
      recordInput(c2, { version: 2, evidence: ["Biên bản kiểm tra ngày 10/6/2022"] }),
    );
    expect(again.assessment).toMatchObject({ stage: "SELF", version: 3, returnedReason: null });
    a2 = again.assessment;
    await call("district", REVIEW, { assessmentId: a2.id, decision: "CHECK", version: 3 });

    // The province appraises criterion by criterion.
    const ap1 = await call<{ assessment: AssessmentOut }>("coordinator", REVIEW, {
      assessmentId: a1.id,
      decision: "APPRAISE",
      version: 2,
    });
    expect(ap1.assessment.stage).toBe("PROVINCE_APPRAISED");
    await refused("district", REVIEW, { assessmentId: a2.id, decision: "APPRAISE", version: 4 }, "FORBIDDEN");
    await refused(
      "department",
      REVIEW,
      { assessmentId: a2.id, decision: "APPRAISE", version: 4 },
      "FORBIDDEN",
    );
    const ap2 = await call<{ assessment: AssessmentOut }>("coordinator", REVIEW, {
      assessmentId: a2.id,
      decision: "APPRAISE",
      version: 4,
    });
    expect(ap2.assessment).toMatchObject({ stage: "PROVINCE_APPRAISED", version: 5 });

    // A later change by the commune sends it back to SELF; the audit log keeps the history.
    const changed = await call<{ assessment: AssessmentOut }>(
      "commune",
      RECORD,
      recordInput(c1, { version: 3, met: true, evidence: ["Bổ sung minh chứng"] }),
    );
    expect(changed.assessment).toMatchObject({ stage: "SELF", version: 4, indicatorValues: [] });
    const history = await app.db.ds.query(
      "SELECT action FROM audit_entry WHERE object_type = 'Assessment' AND object_id = ? ORDER BY id",
      [Number(Buffer.from(a1.id, "base64url").toString().split(":")[1])],
    );
    expect(history.map((h: { action: string }) => h.action)).toEqual([
      "assessment.create",
      "assessment.check",
      "assessment.appraise",
      "assessment.update",
    ]);
    await refused("coordinator", RECOGNIZE, recognize, "CRITERIA_NOT_MET");
    await call("district", REVIEW, { assessmentId: a1.id, decision: "CHECK", version: 4 });
    await call("coordinator", REVIEW, { assessmentId: a1.id, decision: "APPRAISE", version: 5 });

    // Recognition: only the coordinators record a commune's; the level must fit the unit.
    for (const who of ["commune", "district", "leader", "viewer", "department"] as const)
      await refused(who, RECOGNIZE, recognize, "FORBIDDEN");
    await refused(
      "coordinator",
      RECOGNIZE,
      { ...recognize, unitId: gid("Unit", tree.districts[0].id) },
      "WRONG_LEVEL",
    );
    await refused("coordinator", RECOGNIZE, { ...recognize, decisionNo: "  " }, "BAD_USER_INPUT");
    const rec = await call<{ recognition: RecognitionOut }>("coordinator", RECOGNIZE, recognize);
    expect(rec.userErrors).toEqual([]);
    expect(rec.recognition).toMatchObject({
      version: 1,
      level: "NTM",
      standardYear: 2022,
      decisionNo: "2345/QĐ-UBND",
      decidedOn: "2022-12-28",
      decidedBy: "Chủ tịch UBND tỉnh Bắc Kạn",
      revokedOn: null,
      criteriaOverride: false,
      viewerCan: { revoke: true },
    });
    const [stored] = await app.db.ds.query(
      "SELECT level, decision_no, decided_by, revoked_on, criteria_override FROM recognition WHERE unit_id = ?",
      [c11().id],
    );
    expect(stored).toEqual({
      level: "ntm",
      decision_no: "2345/QĐ-UBND",
      decided_by: "Chủ tịch UBND tỉnh Bắc Kạn",
      revoked_on: null,
      criteria_override: 0,
    });
    await refused("coordinator", RECOGNIZE, { ...recognize, decisionNo: "2346/QĐ-UBND" }, "DUPLICATE");

    // Advanced NTM: no appraised advanced criteria, so only with an explicit override and a note.
    const adv = { ...recognize, level: "ADVANCED_NTM", decisionNo: "99/QĐ-UBND" };
    await refused("coordinator", RECOGNIZE, adv, "CRITERIA_NOT_MET");
    await refused("coordinator", RECOGNIZE, { ...adv, overrideCriteria: true }, "BAD_USER_INPUT");
    const overridden = await call<{ recognition: RecognitionOut }>("coordinator", RECOGNIZE, {
      ...adv,
      overrideCriteria: true,
      note: "Quyết định ban hành trước khi nhập số liệu thẩm định",
    });
    expect(overridden.recognition).toMatchObject({
      level: "ADVANCED_NTM",
      criteriaOverride: true,
      note: "Quyết định ban hành trước khi nhập số liệu thẩm định",
    });
    void advanced;

    // Revocation, with its own decision; stale version, a second revocation and other roles are refused.
    const revoke = {
      recognitionId: rec.recognition.id,
      version: 1,
      decisionNo: "77/QĐ-UBND",
      revokedOn: "2023-03-01",
      reason: "Không duy trì được tiêu chí môi trường",
    };
    await refused("district", REVOKE, revoke, "FORBIDDEN");
    await refused("coordinator", REVOKE, { ...revoke, version: 7 }, "CONFLICT");
    await refused("coordinator", REVOKE, { ...revoke, revokedOn: "2022-01-01" }, "BAD_USER_INPUT");
    const revoked = await call<{ recognition: RecognitionOut }>("coordinator", REVOKE, revoke);
    expect(revoked.recognition).toMatchObject({
      version: 2,
      revokedOn: "2023-03-01",
      revocationDecisionNo: "77/QĐ-UBND",
      revocationReason: "Không duy trì được tiêu chí môi trường",
      viewerCan: { revoke: false },
    });
    await refused("coordinator", REVOKE, { ...revoke, version: 2 }, "ALREADY_REVOKED");
    // The NTM recognition and the advanced one that needed it: both revoked by the same decision,
    // each with its audit entry.
    const ntmId = decodeId("Recognition", rec.recognition.id);
    const advancedId = decodeId("Recognition", overridden.recognition.id);
    for (const id of [ntmId, advancedId]) {
      const [after] = await app.db.ds.query(
        "SELECT DATE_FORMAT(revoked_on, '%Y-%m-%d') AS revoked_on, revocation_decision_no, revocation_reason, version FROM recognition WHERE id = ?",
        [id],
      );
      expect(after).toEqual({
        revoked_on: "2023-03-01",
        revocation_decision_no: "77/QĐ-UBND",
        revocation_reason: "Không duy trì được tiêu chí môi trường",
        version: 2,
      });
    }
    const [{ n: audits }] = await app.db.ds.query(
      "SELECT COUNT(*) AS n FROM audit_entry WHERE action = 'recognition.revoke' AND object_type = 'Recognition' AND object_id IN (?, ?)",
      [ntmId, advancedId],
    );
    expect(Number(audits)).toBe(2);
    // Once revoked, the commune may be recognized again.
    const again2 = await call<{ recognition: RecognitionOut }>("coordinator", RECOGNIZE, {
      ...recognize,
      decisionNo: "500/QĐ-UBND",
      decidedOn: "2023-12-20",
      standardYear: 2022,
    });
    expect(again2.userErrors).toEqual([]);

    // Reads for portals: the unit's assessments for the year with their stage, its recognition history.
    const read = await app.gqlAs<{
      unit: {
        assessments: Array<{ stage: string; criterion: { no: number } }>;
        recognitions: Array<{ level: string; revokedOn: string | null }>;
        criteriaViewerCan: { recordAssessment: boolean; recognize: string[] };
      };
    }>(
      token.commune,
      `query($id: ID!) { unit(id: $id) { assessments(year: 2022) { stage criterion { no } }
        recognitions { level revokedOn } criteriaViewerCan { recordAssessment recognize } } }`,
      { id: gid("Unit", c11().id) },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.unit.assessments).toEqual([
      { stage: "PROVINCE_APPRAISED", criterion: { no: 1 } },
      { stage: "PROVINCE_APPRAISED", criterion: { no: 2 } },
    ]);
    expect(read.data!.unit.recognitions).toEqual([
      { level: "NTM", revokedOn: "2023-03-01" },
      { level: "ADVANCED_NTM", revokedOn: "2023-03-01" },
      { level: "NTM", revokedOn: null },
    ]);
    expect(read.data!.unit.criteriaViewerCan).toEqual({ recordAssessment: true, recognize: [] });
    const appraised = await app.gqlAs<{ assessments: { totalCount: number } }>(
      token.viewer,
      `query($u: ID) { assessments(first: 10, filter: { unitId: $u, stage: PROVINCE_APPRAISED, year: 2022 }) { totalCount } }`,
      { u: gid("Unit", c11().id) },
    );
    expect(appraised.data!.assessments.totalCount).toBe(2);
  });

  it("lets districts recognize their villages, and nobody else", async () => {
    const v = tree.villages[0][0][0];
    const input = {
      unitId: gid("Unit", v.id),
      criterionId: gid("Criterion", village.criteria[0].id),
      year: 2022,
      met: true,
      evidence: ["Biên bản họp thôn"],
    };
    // A commune criterion cannot be assessed for a village; the other commune cannot record for it.
    await refused(
      "commune",
      RECORD,
      { ...input, criterionId: gid("Criterion", commune.criteria[0].id) },
      "WRONG_LEVEL",
    );
    await refused("otherCommune", RECORD, input, "FORBIDDEN");
    await refused("commune", RECORD, { ...input, year: 2030 }, "BAD_USER_INPUT");
    await refused("commune", RECORD, { ...input, criterionId: gid("Criterion", 4_000_000_000) }, "NOT_FOUND");
    await refused(
      "commune",
      RECORD,
      { ...input, indicatorValues: [{ indicatorId: gid("Indicator", commune.indicators[0].id) }] },
      "NOT_FOUND",
    );
    await refused("commune", RECORD, { ...input, unitId: "not-an-id" }, "BAD_USER_INPUT");
    const a = await call<{ assessment: AssessmentOut }>("commune", RECORD, input);
    expect(a.userErrors).toEqual([]);
    const recognize = {
      unitId: gid("Unit", v.id),
      level: "VILLAGE_NTM",
      decisionNo: "15/QĐ-UBND",
      decidedOn: "2022-11-30",
      decidedBy: "Chủ tịch UBND huyện",
    };
    await refused("district", RECOGNIZE, recognize, "CRITERIA_NOT_MET");
    await call("district", REVIEW, { assessmentId: a.assessment.id, decision: "CHECK", version: 1 });
    // A village's assessment stops at the district: the province does not appraise it.
    await refused(
      "coordinator",
      REVIEW,
      { assessmentId: a.assessment.id, decision: "APPRAISE", version: 2 },
      "FORBIDDEN",
    );
    for (const who of ["otherDistrict", "coordinator", "commune", "viewer"] as const)
      await refused(who, RECOGNIZE, recognize, "FORBIDDEN");
    await refused("district", RECOGNIZE, { ...recognize, level: "NTM" }, "FORBIDDEN");
    await refused("coordinator", RECOGNIZE, { ...recognize, level: "NTM" }, "WRONG_LEVEL");
    const rec = await call<{ recognition: RecognitionOut }>("district", RECOGNIZE, recognize);
    expect(rec.recognition).toMatchObject({
      level: "VILLAGE_NTM",
      criteriaOverride: false,
      standardYear: 2022,
    });
    await refused("district", RECOGNIZE, recognize, "DUPLICATE");
    const revoked = await call<{ recognition: RecognitionOut }>("district", REVOKE, {
      recognitionId: rec.recognition.id,
      version: 1,
      decisionNo: "20/QĐ-UBND",
      revokedOn: "2023-01-10",
      reason: "Thôn sáp nhập",
    });
    expect(revoked.recognition.revokedOn).toBe("2023-01-10");
  });

  it("keeps read-only roles read-only", async () => {
    const input = recordInput(commune.criteria[0], { version: 99 });
    for (const who of ["leader", "viewer", "department", "coordinator", "district", "otherCommune"] as const)
      await refused(who, RECORD, input, "FORBIDDEN");
    const [row] = await app.db.ds.query("SELECT id, version FROM assessment WHERE unit_id = ? LIMIT 1", [
      c11().id,
    ]);
    const assessmentId = gid("Assessment", row.id);
    for (const who of ["leader", "viewer", "department", "commune"] as const)
      for (const decision of ["CHECK", "APPRAISE", "RETURN"])
        await refused(
          who,
          REVIEW,
          { assessmentId, decision, version: row.version, reason: "Không" },
          "FORBIDDEN",
        );
  });
});
