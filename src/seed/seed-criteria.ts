/** The criteria sets in force in 2022: commune (QĐ 318), advanced, model (QĐ 319), district (QĐ 320), village (QĐ 902). */
import { CriteriaSetKind } from "../criteria/criteria.enums";
import { CriteriaSet } from "../criteria/criteria-set.entity";
import { Criterion, Indicator } from "../criteria/criterion.entity";
import { Confidence } from "../shared/provenance";
import { normalizeName } from "../shared/text";
import { REFERENCE, confidenceOf, joinNote, sourceCodes, vnDate, type CriterionJson } from "./reference-data";
import type { SeedContext } from "./seed-context";

interface IndicatorSpec {
  code: string;
  name: string;
  confidence: Confidence;
}

interface CriterionSpec {
  no: number;
  name: string;
  groupName: string | null;
  note: string | null;
  sources: string[];
  confidence: Confidence;
  indicators: IndicatorSpec[];
}

interface SetSpec {
  code: string;
  kind: CriteriaSetKind;
  name: string;
  decision: string;
  issuedOn: string | null;
  periodStartYear: number;
  periodEndYear: number | null;
  criteriaCount: number;
  note: string | null;
  sources: string[];
  confidence: Confidence;
  criteria: CriterionSpec[];
}

/** "giai đoạn 2021-2025" in a decision's title. */
function period(text: string): { start: number; end: number } {
  const m = /giai đoạn (\d{4})-(\d{4})/u.exec(text);
  if (!m) throw new Error(`No period in "${text}"`);
  return { start: Number(m[1]), end: Number(m[2]) };
}

/** An indicator whose wording the sources do not give is stored as the placeholder text, marked unknown. */
function isPlaceholder(name: string): boolean {
  return /^\(.*\)$/u.test(name.trim());
}

function criterionSpec(
  c: CriterionJson,
  setSources: string[],
  setConfidence: Confidence,
  extra: { groupName?: string | null; note?: string | null } = {},
): CriterionSpec {
  const confidence = confidenceOf(c.confidence, setConfidence);
  const indicatorDefault = confidenceOf(c.indicators_confidence, confidence);
  const sources = c.source == null ? setSources : sourceCodes(c.source);
  return {
    no: c.no,
    name: c.name,
    groupName: extra.groupName !== undefined ? extra.groupName : (c.group ?? null),
    note: joinNote(
      c.note,
      c.numbering_note,
      c.indicators_source && `Indicators ${c.indicators_source} (${indicatorDefault}).`,
      c.indicators_note,
      extra.note,
    ),
    sources,
    confidence,
    indicators: (c.indicators ?? []).map((ind) => ({
      code: ind.code,
      name: ind.name,
      confidence: isPlaceholder(ind.name)
        ? Confidence.UNKNOWN
        : confidenceOf(ind.confidence, indicatorDefault),
    })),
  };
}

function checkCount(what: string, expected: number, actual: number): number {
  if (expected !== actual)
    throw new Error(`${what}: the reference data says ${expected} criteria but lists ${actual}`);
  return actual;
}

function setSpecs(): SetSpec[] {
  const cr = REFERENCE.criteria;

  const communeMeta = cr.commune_meta;
  const communeSources = sourceCodes(communeMeta.source);
  const communeConf = confidenceOf(communeMeta.confidence);
  const communePeriod = period(communeMeta.decision);
  const communeIssued = vnDate(communeMeta.decision);
  for (const c of cr.commune) {
    if (!c.group || !communeMeta.groups.includes(c.group))
      throw new Error(`Commune criterion ${c.no} has no known group`);
  }

  const adv = cr.commune_advanced;
  const advSources = sourceCodes(adv.source);
  const advConf = confidenceOf(adv.confidence);

  const model = cr.commune_model;
  const modelPeriod = period(model.decision);

  const dm = cr.district_meta;
  const districtSources = sourceCodes(dm.source);
  const districtConf = confidenceOf(dm.confidence);
  const districtPeriod = period(dm.decision);

  const vm = cr.village_meta;
  const villageSources = sourceCodes(vm.source);
  const villageConf = confidenceOf(vm.confidence);
  const villageGroups = vm.groups.map((g) => {
    const m = /^(.*) \((\d+)-(\d+)\)$/u.exec(g);
    if (!m) throw new Error(`Village criteria group "${g}" has no range`);
    return { name: m[1], from: Number(m[2]), to: Number(m[3]) };
  });
  const villageYear = /năm (\d{4})/u.exec(vm.decision);
  if (!villageYear) throw new Error("The village criteria decision names no year");

  return [
    {
      code: "COMMUNE_2021_2025",
      kind: CriteriaSetKind.COMMUNE,
      name: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025",
      decision: communeMeta.decision,
      issuedOn: communeIssued,
      periodStartYear: communePeriod.start,
      periodEndYear: communePeriod.end,
      criteriaCount: cr.commune.length,
      note: joinNote(communeMeta.rule_for_bac_kan, communeMeta.status_values_note),
      sources: communeSources,
      confidence: communeConf,
      criteria: cr.commune.map((c) => criterionSpec(c, communeSources, communeConf)),
    },
    {
      code: "COMMUNE_ADVANCED_2021_2025",
      kind: CriteriaSetKind.COMMUNE_ADVANCED,
      name: "Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025",
      decision: adv.decision,
      issuedOn: communeIssued,
      periodStartYear: communePeriod.start,
      periodEndYear: communePeriod.end,
      criteriaCount: checkCount("commune_advanced", adv.count, adv.names.length),
      note: joinNote(
        adv.note,
        `Issued on the date of ${communeMeta.decision.split(" (")[0]} (same decision).`,
      ),
      sources: advSources,
      confidence: advConf,
      criteria: adv.names.map((name, i) => ({
        no: i + 1,
        name,
        groupName: null,
        note: "Name and position recalled (see the set's note).",
        sources: advSources,
        confidence: advConf,
        indicators: [],
      })),
    },
    {
      code: "COMMUNE_MODEL_2021_2025",
      kind: CriteriaSetKind.COMMUNE_MODEL,
      name: "Bộ tiêu chí xã nông thôn mới kiểu mẫu giai đoạn 2021-2025",
      decision: model.decision,
      issuedOn: vnDate(model.decision),
      periodStartYear: modelPeriod.start,
      periodEndYear: modelPeriod.end,
      criteriaCount: 0,
      note: joinNote(
        `The decision is ${confidenceOf(model.confidence)}; its criteria and their number were not read, so criteria_count is 0 as a placeholder and no criteria are seeded.`,
        model.note,
      ),
      sources: sourceCodes(model.source),
      confidence: Confidence.UNKNOWN,
      criteria: [],
    },
    {
      code: "DISTRICT_2021_2025",
      kind: CriteriaSetKind.DISTRICT,
      name: "Bộ tiêu chí quốc gia về huyện nông thôn mới giai đoạn 2021-2025",
      decision: dm.decision,
      issuedOn: vnDate(dm.decision),
      periodStartYear: districtPeriod.start,
      periodEndYear: districtPeriod.end,
      criteriaCount: checkCount("district", dm.count, cr.district.length),
      note: joinNote(dm.note, `Numbering: ${dm.numbering_confidence}.`),
      sources: districtSources,
      confidence: districtConf,
      criteria: cr.district.map((c) => criterionSpec(c, districtSources, districtConf)),
    },
    {
      code: "VILLAGE_BAC_KAN_2021",
      kind: CriteriaSetKind.VILLAGE,
      name: "Bộ tiêu chí thôn nông thôn mới tỉnh Bắc Kạn năm 2021",
      decision: vm.decision,
      issuedOn: vnDate(vm.decision),
      periodStartYear: Number(villageYear[1]),
      periodEndYear: null,
      criteriaCount: checkCount("village", vm.count, cr.village.length),
      note: joinNote(`Guidance: ${vm.guidance}.`, `Applies to: ${vm.applies_to}.`, vm.caveat),
      sources: villageSources,
      confidence: villageConf,
      criteria: cr.village.map((c) => {
        if (c.group) return criterionSpec(c, villageSources, villageConf);
        const g = villageGroups.find((x) => c.no >= x.from && c.no <= x.to);
        return criterionSpec(c, villageSources, villageConf, {
          groupName: g ? g.name : null,
          note: g ? "Group inferred from the order of the criteria (see the set's note)." : null,
        });
      }),
    },
  ];
}

export async function seedCriteria(ctx: SeedContext): Promise<Map<string, CriteriaSet>> {
  const sets = new Map<string, CriteriaSet>();
  for (const spec of setSpecs()) {
    const { row: set } = await ctx.ensure(CriteriaSet, { code: spec.code }, () => ({
      code: spec.code,
      kind: spec.kind,
      name: spec.name,
      decision: spec.decision,
      issuedOn: spec.issuedOn,
      periodStartYear: spec.periodStartYear,
      periodEndYear: spec.periodEndYear,
      criteriaCount: spec.criteriaCount,
      replacesId: null,
      note: spec.note,
      sources: spec.sources,
      confidence: spec.confidence,
    }));
    sets.set(spec.code, set);
    for (const c of spec.criteria) {
      const { row: criterion } = await ctx.ensure(Criterion, { setId: set.id, no: c.no }, () => ({
        setId: set.id,
        no: c.no,
        name: normalizeName(c.name),
        groupName: c.groupName,
        note: c.note,
        sources: c.sources,
        confidence: c.confidence,
      }));
      for (const [i, ind] of c.indicators.entries()) {
        await ctx.ensure(Indicator, { criterionId: criterion.id, code: ind.code }, () => ({
          criterionId: criterion.id,
          code: ind.code,
          ord: i + 1,
          name: normalizeName(ind.name),
          confidence: ind.confidence,
        }));
      }
    }
  }
  return sets;
}
