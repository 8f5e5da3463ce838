import { REFERENCE } from "../../src/seed/reference-data";
import type {
  ProgressCommuneRow,
  ProgressDistrict,
  ProgressReport,
  ProgressTargetRow,
  ProgressUnitRow,
} from "../../src/reports/progress-report.types";

/**
 * A realistic progress report for 125/KH-UBND: Bắc Kạn's 8 district-level units and their
 * communes from the seed data, the 19 commune criteria, and deterministic made-up figures.
 */
export function bacKanProgressFixture(asOf = "2022-11-30"): ProgressReport {
  const criteria = REFERENCE.criteria.commune.map((c) => ({ no: c.no, name: c.name }));
  let unitId = 1000;
  const unitRow = (
    code: string | null,
    name: string,
    type: string,
    i: number,
    extra: Partial<ProgressUnitRow> = {},
  ): ProgressUnitRow => ({
    unitId: ++unitId,
    code,
    name,
    type,
    communesNtm: i % 3,
    communesAdvancedNtm: i % 2,
    xaCount: 10 + i,
    avgCriteriaPerXa: 12 + (i % 7) * 0.37,
    communesGainedCriterion: i % 5,
    villagesNtm: 3 * i + 1,
    districtCriteriaMet: null,
    assignmentsTotal: 20 + i,
    assignmentsDone: 7 + i,
    assignmentsOverdue: i % 4,
    percentDone: Math.round(((7 + i) / (20 + i)) * 1000) / 10,
    onTimeRate: i % 4 === 0 ? null : 80 + i / 10,
    ...extra,
  });
  const districts: ProgressDistrict[] = REFERENCE.districts.map((d, di) => {
    const communes: ProgressCommuneRow[] = d.communes.map((c, ci) => {
      const met = criteria.map((k) => {
        const v = (di * 7 + ci * 3 + k.no) % 6;
        return { ...k, met: v === 0 ? null : v !== 1 };
      });
      const criteriaMet = met.filter((m) => m.met === true).length;
      return {
        ...unitRow(c.code, c.name, c.type, di + ci),
        districtCriteriaMet: null,
        criteriaMet,
        criteriaTotal: 19,
        criteriaMetBaseline: Math.max(0, criteriaMet - (ci % 3)),
        level: ci % 7 === 0 ? "ntm" : ci % 11 === 5 ? "advanced_ntm" : null,
        criteria: met,
      };
    });
    return {
      district: unitRow(d.code, d.name, d.type, di, {
        districtCriteriaMet: d.type === "huyen" ? di % 10 : null,
      }),
      communes,
    };
  });
  const byDistrict = (factor: number) =>
    districts.map((d, i) => ({
      unitId: d.district.unitId,
      code: d.district.code,
      name: d.district.name,
      target: i === 0 ? null : factor * i,
      actual: factor * i - (i % 2),
    }));
  const targets: ProgressTargetRow[] = [
    {
      code: "NEW_NTM_COMMUNES",
      title: "Số xã đạt chuẩn nông thôn mới tăng thêm",
      measureUnit: "xã",
      baseline: 34,
      target: 9,
      actual: 5,
      percentAchieved: 55.6,
      byDistrict: byDistrict(1),
    },
    {
      code: "NEW_ADVANCED_NTM_COMMUNES",
      title: "Số xã đạt chuẩn nông thôn mới nâng cao tăng thêm",
      measureUnit: "xã",
      baseline: 3,
      target: 2,
      actual: 2,
      percentAchieved: 100,
      byDistrict: [],
    },
    {
      code: "AVG_CRITERIA_PER_COMMUNE",
      title: "Bình quân số tiêu chí đạt chuẩn/xã",
      measureUnit: "tiêu chí",
      baseline: 13.18,
      target: 13.5,
      actual: 13.42,
      percentAchieved: 99.4,
      byDistrict: [],
    },
    {
      code: "NEW_NTM_VILLAGES",
      title: "Số thôn đạt chuẩn nông thôn mới tăng thêm (thôn thuộc xã đặc biệt khó khăn)",
      measureUnit: "thôn",
      baseline: null,
      target: 60,
      actual: 41,
      percentAchieved: 68.3,
      byDistrict: byDistrict(8),
    },
    {
      code: "DISTRICT_CRITERIA_BACH_THONG",
      title: "Huyện Bạch Thông đạt thêm 01 tiêu chí huyện nông thôn mới",
      measureUnit: "tiêu chí",
      baseline: 2,
      target: null,
      actual: 0,
      percentAchieved: null,
      byDistrict: [],
    },
  ];
  return {
    plan: {
      id: 1,
      code: "125/KH-UBND",
      title: "Kế hoạch thực hiện Chương trình MTQG xây dựng nông thôn mới tỉnh Bắc Kạn năm 2022",
      year: 2022,
    },
    asOf,
    province: unitRow(REFERENCE.province.code, REFERENCE.province.name, "tinh", 3, { xaCount: 96 }),
    targets,
    districts,
  };
}
