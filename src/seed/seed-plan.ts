/** Kế hoạch 125/KH-UBND (25/02/2022): the plan, its targets and their per-district quotas. */
import { TargetKind } from "../plans/plan.enums";
import { PlanTarget, TargetQuota } from "../plans/plan-target.entity";
import { Plan } from "../plans/plan.entity";
import { Confidence } from "../shared/provenance";
import type { Unit } from "../units/unit.entity";
import { REFERENCE, confidenceOf, joinNote, sourceCodes } from "./reference-data";
import type { SeedContext } from "./seed-context";
import type { OrgRegistry } from "./seed-organizations";
import { typeWord, type UnitRegistry } from "./seed-units";

export const PROGRAM = "Chương trình mục tiêu quốc gia xây dựng nông thôn mới";
/** The programme's period (Nghị quyết 25/2021/QH15; Quyết định 263/QĐ-TTg). */
const PROGRAM_PERIOD = { start: 2021, end: 2025 };

const plan = REFERENCE.plan2022;
const status = REFERENCE.status;

/** "09", "60": numbers as Vietnamese plans write them. */
function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** A JSON number as an exact decimal string ("13.5"); integers and one-decimal values only. */
function decimal(n: number): string {
  const s = String(n);
  if (!/^\d+(\.\d{1,2})?$/u.test(s)) throw new Error(`Unexpected target value ${s}`);
  return s;
}

/** The district-level unit a Vietnamese phrase names ("huyện Bạch Thông", "thành phố Bắc Kạn"). */
function districtNamedIn(units: UnitRegistry, text: string): Unit {
  const found = [...units.districts.values()].filter((d) =>
    text.includes(`${typeWord(d.unit.type)} ${d.unit.name}`),
  );
  if (found.length !== 1) throw new Error(`Cannot tell which district "${text}" names`);
  return found[0].unit;
}

interface TargetSpec {
  code: string;
  title: string;
  metric: string;
  targetKind: TargetKind;
  scope: Unit;
  baseline: string | null;
  targetValue: string;
  measureUnit: string;
  note: string | null;
  sources: string[];
}

function targetSpecs(units: UnitRegistry): TargetSpec[] {
  const t = plan.targets;
  const src = sourceCodes(t.source);
  const end = status.end_2021;
  const special = plan.special_difficulty_communes_off_roadmap;
  const rm = plan.roadmap_communes;
  const bachThong = districtNamedIn(units, t.district);
  const city = districtNamedIn(units, t.city);
  const districtGain = /thêm (\d+)/u.exec(t.district);
  if (!districtGain) throw new Error(`Cannot read the district target "${t.district}"`);
  return [
    {
      code: "NEW_NTM_COMMUNES",
      title: `Có thêm ${two(t.new_ntm_communes)} xã đạt chuẩn nông thôn mới`,
      metric: "communes_ntm",
      targetKind: TargetKind.INCREASE,
      scope: units.province,
      baseline: decimal(end.ntm_communes),
      targetValue: decimal(t.new_ntm_communes),
      measureUnit: "xã",
      note: joinNote(
        `Baseline: ${end.ntm_communes}/${end.of_communes} xã đạt chuẩn NTM at the end of 2021 (S18). Recognitions are seeded only for the xã the sources name.`,
        `Roadmap: ${rm.ntm_known.length} of the ${t.new_ntm_communes} communes are named; ${rm.ntm_unknown_count} are not.`,
        `District quotas: ${rm.district_quota_2022.note}`,
      ),
      sources: sourceCodes(src, end.source),
    },
    {
      code: "OTHER_COMMUNES_MIN_NEW_CRITERIA",
      title: `Các xã còn lại đạt thêm tối thiểu ${two(t.other_communes_min_new_criteria)} tiêu chí nông thôn mới`,
      metric: "communes_gaining_criterion",
      targetKind: TargetKind.MINIMUM_EACH,
      scope: units.province,
      baseline: null,
      targetValue: decimal(t.other_communes_min_new_criteria),
      measureUnit: "tiêu chí",
      note: null,
      sources: src,
    },
    {
      code: "AVG_CRITERIA_PER_XA",
      title: `Bình quân đạt ${String(t.avg_criteria_per_commune).replace(".", ",")} tiêu chí/xã`,
      metric: "avg_criteria_xa",
      targetKind: TargetKind.LEVEL,
      scope: units.province,
      baseline: end.avg_criteria === null ? null : decimal(end.avg_criteria),
      targetValue: decimal(t.avg_criteria_per_commune),
      measureUnit: "tiêu chí/xã",
      note: end.avg_criteria === null ? `Baseline unknown (NULL): ${end.avg_criteria_note}.` : null,
      sources: sourceCodes(src, end.source),
    },
    {
      code: "NEW_ADVANCED_NTM_COMMUNES",
      title: `Có thêm ${two(t.new_advanced_ntm_communes)} xã đạt chuẩn nông thôn mới nâng cao`,
      metric: "communes_advanced_ntm",
      targetKind: TargetKind.INCREASE,
      scope: units.province,
      baseline: decimal(end.advanced_ntm),
      targetValue: decimal(t.new_advanced_ntm_communes),
      measureUnit: "xã",
      note: `Baseline: ${end.advanced_ntm} xã NTM nâng cao at the end of 2021 (${end.advanced_names.join(", ")}; S18).`,
      sources: sourceCodes(src, end.source),
    },
    {
      code: "NEW_NTM_VILLAGES",
      title: `Có thêm ${two(t.new_ntm_villages)} thôn đạt chuẩn nông thôn mới (${t.new_ntm_villages_scope})`,
      metric: "villages_ntm",
      targetKind: TargetKind.INCREASE,
      scope: units.province,
      baseline: null,
      targetValue: decimal(t.new_ntm_villages),
      measureUnit: "thôn",
      note: joinNote(
        `Scope: ${t.new_ntm_villages_scope} (${special.count} xã; the list is unknown).`,
        special.note,
        "Baseline unknown (NULL): the number of NTM villages at the end of 2021 was not found.",
      ),
      sources: sourceCodes(src, special.source),
    },
    {
      code: "BACH_THONG_DISTRICT_CRITERION",
      title: t.district,
      metric: "district_criteria_met",
      targetKind: TargetKind.INCREASE,
      scope: bachThong,
      baseline: null,
      targetValue: decimal(Number(districtGain[1])),
      measureUnit: "tiêu chí",
      note: "Baseline unknown (NULL): the district criteria the huyện met at the end of 2021 were not found.",
      sources: src,
    },
    {
      code: "CITY_MAINTAINS_COMPLETION",
      title: t.city,
      metric: "district_completion",
      targetKind: TargetKind.MAINTAIN,
      scope: city,
      baseline: null,
      targetValue: "1",
      measureUnit: "đơn vị",
      note: `Status to keep: ${status.city.fact} (S23); the decision came after the plan was issued. Baseline left NULL.`,
      sources: sourceCodes(src, status.city.source),
    },
  ];
}

interface QuotaSpec {
  unit: Unit;
  quota: string | null;
  quotaText: string | null;
  note: string | null;
  confidence: Confidence;
}

/** A per-district figure for the 9 communes: 1, '>=1', 'unknown', '0 (inferred: ...)'. */
function communeQuota(unit: Unit, value: number | string): QuotaSpec {
  if (typeof value === "number")
    return { unit, quota: decimal(value), quotaText: null, note: null, confidence: Confidence.CONFIRMED };
  const atLeast = /^>=\s*(\d+)$/u.exec(value);
  if (atLeast) {
    const note = "Lower bound from the roadmap communes the sources name; the plan's figure was not found.";
    return { unit, quota: null, quotaText: value, note, confidence: Confidence.UNCERTAIN };
  }
  if (value === "unknown") {
    return {
      unit,
      quota: null,
      quotaText: null,
      note: "Not found in the sources.",
      confidence: Confidence.UNKNOWN,
    };
  }
  const inferred = /^(\d+) \((.+)\)$/u.exec(value);
  if (inferred)
    return { unit, quota: inferred[1], quotaText: null, note: inferred[2], confidence: Confidence.UNCERTAIN };
  throw new Error(`Cannot read the district quota "${value}"`);
}

function communeQuotas(units: UnitRegistry): QuotaSpec[] {
  return Object.entries(plan.roadmap_communes.district_quota_2022.known).map(([key, value]) =>
    communeQuota(units.district(key.replace(/ \(TP\)$/u, "")), value),
  );
}

function villageQuotas(units: UnitRegistry): QuotaSpec[] {
  const withAreaIII = units.districtsWithAreaIII();
  return [...units.districts.values()].map(({ unit }) => {
    const lists = plan.village_lists_2022.filter((l) => l.district === unit.name);
    return {
      unit,
      quota: null,
      quotaText: null,
      note: joinNote(
        "Not found: the sources give no per-district split of the 60 villages.",
        !withAreaIII.some((d) => d.id === unit.id) &&
          "Probably 0: all its communes are khu vực I, and the specially difficult xã of the target are among the khu vực III xã (inference, not stored as the quota).",
        ...lists.map(
          (l) =>
            `The district's own 2022 village list had ${l.villages_in_district_list} thôn (${sourceCodes(l.source).join(",")}): ${l.note}`,
        ),
      ),
      confidence: Confidence.UNKNOWN,
    };
  });
}

export interface SeededPlan {
  plan: Plan;
  targets: Map<string, PlanTarget>;
}

export async function seedPlan(
  ctx: SeedContext,
  units: UnitRegistry,
  orgs: OrgRegistry,
): Promise<SeededPlan> {
  const year = Number(plan.date.slice(0, 4));
  const { row: p } = await ctx.ensure(Plan, { number: plan.id, issuedOn: plan.date }, () => ({
    number: plan.id,
    title: plan.title,
    issuer: plan.issuer,
    issuedOn: plan.date,
    year,
    program: PROGRAM,
    periodStartYear: PROGRAM_PERIOD.start,
    periodEndYear: PROGRAM_PERIOD.end,
    scopeUnitId: units.province.id,
    issuerOrgId: orgs.committeeOf(units.province).id,
    note: joinNote(
      "The plan's full text was not found; targets and task groups follow the S17 summary.",
      plan.task_groups.unknown,
      `Reporting: ${plan.reporting.note}`,
    ),
    sources: sourceCodes(plan.source),
    confidence: confidenceOf(plan.confidence),
  }));

  const targets = new Map<string, PlanTarget>();
  for (const [i, t] of targetSpecs(units).entries()) {
    const { row } = await ctx.ensure(PlanTarget, { planId: p.id, code: t.code }, () => ({
      planId: p.id,
      code: t.code,
      ord: i + 1,
      title: t.title,
      metric: t.metric,
      targetKind: t.targetKind,
      scopeUnitId: t.scope.id,
      baseline: t.baseline,
      targetValue: t.targetValue,
      measureUnit: t.measureUnit,
      note: t.note,
      sources: t.sources,
      confidence: confidenceOf(plan.targets.confidence),
    }));
    targets.set(t.code, row);
  }
  const target = (code: string): PlanTarget => {
    const found = targets.get(code);
    if (!found) throw new Error(`No target ${code}`);
    return found;
  };

  const quotaSources = {
    NEW_NTM_COMMUNES: sourceCodes(plan.roadmap_communes.district_quota_2022.source),
    NEW_NTM_VILLAGES: sourceCodes(plan.targets.source, REFERENCE.status.khu_vuc_2021_2025.source),
  };
  const quotaSets: Array<[keyof typeof quotaSources, QuotaSpec[]]> = [
    ["NEW_NTM_COMMUNES", communeQuotas(units)],
    ["NEW_NTM_VILLAGES", villageQuotas(units)],
  ];
  for (const [code, quotas] of quotaSets) {
    const targetId = target(code).id;
    for (const q of quotas) {
      await ctx.ensure(TargetQuota, { targetId, unitId: q.unit.id }, () => ({
        targetId,
        unitId: q.unit.id,
        quota: q.quota,
        quotaText: q.quotaText,
        note: q.note,
        sources: quotaSources[code],
        confidence: q.confidence,
      }));
    }
  }

  return { plan: p, targets };
}
