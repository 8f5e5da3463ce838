/**
 * Recognition decisions the reference data gives evidence for: the xã already NTM at the end of
 * 2021 (and Ngọc Phái, recognised for 2022), the 2 advanced-NTM xã, and the city's completion.
 * The evidence is read from the communes' `ntm_evidence` facts; facts the readers below do not
 * recognise are ignored, and the result is checked against the published end-2021 figures.
 */
import { RecognitionLevel } from "../criteria/criteria.enums";
import { Recognition } from "../criteria/recognition.entity";
import { Confidence } from "../shared/provenance";
import { UnitType } from "../units/unit.enums";
import { REFERENCE, confidenceOf, joinNote, sourceCodes, vnDate, type EvidenceJson } from "./reference-data";
import { orNull, type SeedContext } from "./seed-context";
import type { UnitRegistry } from "./seed-units";

const PROVINCIAL_COMMITTEE = `UBND tỉnh ${REFERENCE.province.name}`;

interface Reading {
  level: RecognitionLevel;
  /** The year the standard was met, when the fact gives it. */
  year: number | null;
  decidedOn: string | null;
  decidedBy: string | null;
}

/**
 * What one evidence fact says about a recognition of the commune as it is now, or null.
 * Patterns follow the wording of the reference data.
 */
export function readEvidence(e: EvidenceJson): Reading | null {
  const f = e.fact;
  const none = { decidedOn: null, decidedBy: null };
  if (/^recognised đạt chuẩn NTM nâng cao\b/u.test(f))
    return { level: RecognitionLevel.ADVANCED_NTM, year: null, ...none };
  // A recognition of the unit before the 2020 rearrangement is history of another unit.
  if (/pre-2020 boundaries/u.test(f)) return null;
  const recognised = /^recognised đạt chuẩn NTM (?:năm|in) (\d{4})\b/u.exec(f);
  if (recognised) {
    const decisions = /\((UBND tỉnh) decisions? of (\d{1,2}\/\d{1,2}\/\d{4})\)/u.exec(f);
    return {
      level: RecognitionLevel.NTM,
      year: e.recognised_for_year ?? Number(recognised[1]),
      decidedOn: decisions ? vnDate(decisions[2]) : null,
      decidedBy: decisions ? PROVINCIAL_COMMITTEE : null,
    };
  }
  const year = /^(?:reached NTM in|NTM since|recognised NTM for) (\d{4})\b/u.exec(f);
  if (year) return { level: RecognitionLevel.NTM, year: Number(year[1]), ...none };
  if (/^(?:reached NTM by end-\d{4}|already NTM (?:before 2022|in 2021))/u.test(f)) {
    return { level: RecognitionLevel.NTM, year: null, ...none };
  }
  if (/both already NTM/u.test(f)) return { level: RecognitionLevel.NTM, year: null, ...none };
  return null;
}

interface RecognitionSpec {
  unitId: number;
  level: RecognitionLevel;
  standardYear: number | null;
  decisionNo: string | null;
  decidedOn: string | null;
  decidedBy: string | null;
  note: string | null;
  sources: string[];
  confidence: Confidence;
}

/** One recognition per commune and level, merged from every fact that supports it. */
function communeRecognitions(units: UnitRegistry): Array<RecognitionSpec & { commune: string }> {
  const out: Array<RecognitionSpec & { commune: string }> = [];
  for (const [name, entry] of units.communes) {
    const readings = (entry.json.ntm_evidence ?? [])
      .map((e) => ({ e, r: readEvidence(e) }))
      .filter((x): x is { e: EvidenceJson; r: Reading } => x.r !== null);
    for (const level of [RecognitionLevel.NTM, RecognitionLevel.ADVANCED_NTM]) {
      const facts = readings.filter((x) => x.r.level === level);
      if (facts.length === 0) continue;
      const years = [...new Set(facts.map((x) => x.r.year).filter((y): y is number => y !== null))];
      if (years.length > 1) throw new Error(`Evidence for ${name} gives ${level} years ${years.join(", ")}`);
      const year = years[0] ?? null;
      // Facts without a year support a dated recognition only when they do not contradict it.
      const used = facts.filter((x) => x.r.year === year || x.r.year === null);
      const dated = used.find((x) => x.r.decidedOn !== null);
      const confidences = used.map((x) => confidenceOf(x.e.confidence));
      const confirmed = confidences.includes(Confidence.CONFIRMED);
      const ignored = (entry.json.ntm_evidence ?? []).filter((e) => /pre-2020 boundaries/u.test(e.fact));
      out.push({
        commune: name,
        unitId: entry.unit.id,
        level,
        standardYear: year,
        decisionNo: null,
        decidedOn: dated?.r.decidedOn ?? null,
        decidedBy: dated?.r.decidedBy ?? null,
        note: joinNote(
          year === null && "Year the standard was met not found; the evidence places it before 2022.",
          "Decision number not found.",
          ...used.map((x) => `Evidence: ${x.e.fact} [${sourceCodes(x.e.source).join(",")}]`),
          ...(level === RecognitionLevel.NTM
            ? ignored.map((e) => `Earlier, as another unit: ${e.fact}`)
            : []),
        ),
        sources: sourceCodes(...used.map((x) => x.e.source)),
        confidence: confirmed ? Confidence.CONFIRMED : Confidence.UNCERTAIN,
      });
    }
  }
  return out;
}

/** Fail when the recognitions read from the evidence disagree with the published end-2021 figures. */
function checkAgainstEnd2021(specs: Array<RecognitionSpec & { commune: string }>, units: UnitRegistry): void {
  const end = REFERENCE.status.end_2021;
  const ntm = specs.filter((s) => s.level === RecognitionLevel.NTM);
  for (const name of end.recognised_in_2021) {
    if (!ntm.some((s) => s.commune === name && s.standardYear === 2021)) {
      throw new Error(`${name} is listed as recognised in 2021 but its evidence does not say so`);
    }
  }
  const advanced = specs.filter((s) => s.level === RecognitionLevel.ADVANCED_NTM).map((s) => s.commune);
  if (advanced.length !== end.advanced_ntm || !end.advanced_names.every((n) => advanced.includes(n))) {
    throw new Error(`Advanced-NTM evidence (${advanced.join(", ")}) does not match the end-2021 list`);
  }
  const xaBy2021 = ntm.filter(
    (s) =>
      units.commune(s.commune).unit.type === UnitType.XA &&
      (s.standardYear === null || s.standardYear <= 2021),
  );
  if (xaBy2021.length > end.ntm_communes) {
    throw new Error(
      `Evidence names ${xaBy2021.length} NTM xã by end-2021, more than the ${end.ntm_communes} published`,
    );
  }
}

/** The city's recognition as having completed the NTM task (Quyết định 675/QĐ-TTg). */
function cityRecognition(units: UnitRegistry): RecognitionSpec {
  const city = REFERENCE.status.city;
  const district = [...units.districts.values()].find((d) => d.json.full_name === city.unit);
  if (!district) throw new Error(`No district-level unit named ${city.unit}`);
  const m = /for (\d{4}) by Quyết định (\S+) ngày (\d{1,2}\/\d{1,2}\/\d{4})/u.exec(city.fact);
  if (!m) throw new Error(`Cannot read the city's recognition from "${city.fact}"`);
  const decisionNo = m[2];
  return {
    unitId: district.unit.id,
    level: RecognitionLevel.DISTRICT_COMPLETION,
    standardYear: Number(m[1]),
    decisionNo,
    decidedOn: vnDate(m[3]),
    decidedBy: /\/QĐ-TTg$/u.test(decisionNo) ? "Thủ tướng Chính phủ" : null,
    note: city.fact,
    sources: sourceCodes(city.source),
    confidence: confidenceOf(city.confidence),
  };
}

export async function seedRecognitions(ctx: SeedContext, units: UnitRegistry): Promise<void> {
  const communes = communeRecognitions(units);
  checkAgainstEnd2021(communes, units);
  const specs: RecognitionSpec[] = [
    ...communes.map(({ commune: _commune, ...s }) => s),
    cityRecognition(units),
  ];
  for (const s of specs) {
    await ctx.ensure(
      Recognition,
      { unitId: s.unitId, level: s.level, standardYear: orNull(s.standardYear) },
      () => ({
        ...s,
        revokedOn: null,
        revocationDecisionNo: null,
      }),
    );
  }
}
