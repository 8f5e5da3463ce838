/**
 * The reference facts about Bắc Kạn's 2022 NTM plan (a committed copy of
 * ../shared/reference/bac-kan-ntm-2022.json), typed with the few fields the seed reads.
 * Free-text values (confidence, unit types) are typed as strings and checked when read.
 */
import data from "./data/bac-kan-ntm-2022.json";
import { Confidence } from "../shared/provenance";

/** A fact group's `source`: one S-code, several, or none. */
export type SourceRef = string | string[] | null | undefined;

export interface EvidenceJson {
  fact: string;
  source: SourceRef;
  confidence: string;
  as_of?: string;
  recognised_for_year?: number;
  announced?: string;
}

export interface Successor2025Json {
  province: string;
  type: string;
  name: string;
  effective: string;
  source: SourceRef;
}

export interface TypeChangeJson {
  date: string;
  from: string;
  to: string;
  by: string;
  source: SourceRef;
}

export interface CommuneJson {
  code: string;
  name: string;
  type: string;
  khu_vuc_2021_2025?: string;
  khu_vuc_source?: string;
  successor_2025?: Successor2025Json;
  ntm_evidence?: EvidenceJson[];
  name_gso_spelling?: string;
  type_changes?: TypeChangeJson[];
}

export interface DistrictJson {
  code: string;
  name: string;
  type: string;
  full_name: string;
  seat: { name: string; type: string; source: SourceRef; confidence: string; note?: string } | null;
  communes: CommuneJson[];
  source: SourceRef;
  confidence: string;
  note?: string;
}

export interface HistoryEventJson {
  date: string;
  event: string;
  source: SourceRef;
  confidence: string;
  note?: string;
}

export interface ProvinceJson {
  code: string;
  name: string;
  full_name: string;
  source: SourceRef;
  confidence: string;
  counts_2022: {
    district_level: number;
    commune_level: number;
    xa: number;
    phuong: number;
    thi_tran: number;
  };
  authorities: Array<{ name: string; short: string; role: string; source: SourceRef; confidence: string }>;
  administrative_history: HistoryEventJson[];
}

export interface AgencyJson {
  name: string;
  short: string;
  kind: string;
  source: SourceRef;
  confidence: string;
  ntm_role?: string;
  note?: string;
}

export interface IndicatorJson {
  code: string;
  name: string;
  source?: SourceRef;
  confidence?: string;
  note?: string;
}

export interface CriterionJson {
  no: number;
  name: string;
  group?: string;
  source?: SourceRef;
  confidence?: string;
  note?: string;
  numbering_note?: string;
  indicators?: IndicatorJson[];
  indicators_source?: string;
  indicators_confidence?: string;
  indicators_note?: string;
}

export interface CriteriaJson {
  commune: CriterionJson[];
  commune_meta: {
    decision: string;
    groups: string[];
    rule_for_bac_kan: string;
    status_values_note: string;
    source: SourceRef;
    confidence: string;
  };
  commune_advanced: {
    decision: string;
    count: number;
    names: string[];
    source: SourceRef;
    confidence: string;
    note: string;
  };
  commune_model: { decision: string; source: SourceRef; confidence: string; note: string };
  district: CriterionJson[];
  district_meta: {
    decision: string;
    count: number;
    source: SourceRef;
    confidence: string;
    note: string;
    numbering_confidence: string;
  };
  village: CriterionJson[];
  village_meta: {
    decision: string;
    guidance: string;
    count: number;
    groups: string[];
    applies_to: string;
    source: SourceRef;
    confidence: string;
    caveat: string;
  };
}

export interface RoadmapCommuneJson {
  name: string;
  district: string;
  source?: SourceRef;
  confidence?: string;
  outcome_2022?: string;
  note?: string;
}

export interface FundingJson {
  item: string;
  amount_vnd: string | { "2021_2025_total_trieu": number; "2022_trieu": number };
  breakdown?: Record<string, string>;
  use?: string;
  note?: string;
  source: SourceRef;
  confidence: string;
}

export interface Plan2022Json {
  id: string;
  date: string;
  issuer: string;
  title: string;
  source: SourceRef;
  confidence: string;
  targets: {
    new_ntm_communes: number;
    other_communes_min_new_criteria: number;
    avg_criteria_per_commune: number;
    new_advanced_ntm_communes: number;
    new_ntm_villages: number;
    new_ntm_villages_scope: string;
    district: string;
    city: string;
    source: SourceRef;
    confidence: string;
  };
  task_groups: {
    count: number;
    known: Array<{ no: number; name: string }>;
    unknown: string;
    source: SourceRef;
    confidence: string;
  };
  roadmap_communes: {
    ntm_known: RoadmapCommuneJson[];
    ntm_unknown_count: number;
    advanced: RoadmapCommuneJson[];
    source: SourceRef;
    confidence: string;
    note: string;
    district_quota_2022: {
      known: Record<string, number | string>;
      source: SourceRef;
      confidence: string;
      note: string;
    };
  };
  special_difficulty_communes_off_roadmap: {
    count: number;
    source: SourceRef;
    confidence: string;
    note: string;
  };
  funding_2022: FundingJson[];
  reporting: { found: boolean; note: string };
  village_lists_2022: Array<{
    district: string;
    villages_in_district_list: number;
    progress: Array<{ thon: string; xa: string; criteria_met: string }>;
    source: SourceRef;
    confidence: string;
    note: string;
  }>;
}

export interface StatusJson {
  end_2021: {
    ntm_communes: number;
    of_communes: number;
    advanced_ntm: number;
    advanced_names: string[];
    recognised_in_2021: string[];
    avg_criteria: number | null;
    avg_criteria_note: string;
    source: SourceRef;
    confidence: string;
  };
  city: { unit: string; fact: string; source: SourceRef; confidence: string };
  results_2022: {
    ntm_targets_not_reached_names: string[];
    advanced_not_reached_names: string[];
    villages_not_reached_from_2022_roadmap: number;
    source: SourceRef;
    confidence: string;
    ntm_reached_known: Array<{ name: string; district: string; source: SourceRef; confidence: string }>;
    province_count_after_ngoc_phai: { ntm_communes: number; as_of: string; source: SourceRef; note: string };
  };
  khu_vuc_2021_2025: {
    decision: string;
    by_district: Record<string, Record<string, number>>;
    source: SourceRef;
    confidence: string;
  };
}

export interface ReferenceData {
  sources: Record<string, string>;
  province: ProvinceJson;
  districts: DistrictJson[];
  agencies: AgencyJson[];
  criteria: CriteriaJson;
  plan2022: Plan2022Json;
  status: StatusJson;
}

/** The reference facts, checked against the interfaces above by the compiler. */
export const REFERENCE: ReferenceData = data;

/** A `source` field as a list of S-codes; every code must be listed under `sources`. */
export function sourceCodes(...refs: SourceRef[]): string[] {
  const out: string[] = [];
  for (const ref of refs) {
    const codes = ref == null ? [] : Array.isArray(ref) ? ref : [ref];
    for (const code of codes) {
      if (!(code in REFERENCE.sources)) throw new Error(`Reference data cites unknown source ${code}`);
      if (!out.includes(code)) out.push(code);
    }
  }
  return out;
}

/** A `confidence` field of the reference data ("confirmed" / "uncertain"). */
export function confidenceOf(value: string | undefined, fallback?: Confidence): Confidence {
  if (value === undefined) {
    if (fallback === undefined) throw new Error("Reference data fact has no confidence");
    return fallback;
  }
  const found = Object.values(Confidence).find((c) => c === value);
  if (!found) throw new Error(`Unknown confidence "${value}" in the reference data`);
  return found;
}

/** The lower of two confidences (confirmed > uncertain > unknown). */
export function weakest(...values: Confidence[]): Confidence {
  const order = [Confidence.UNKNOWN, Confidence.UNCERTAIN, Confidence.CONFIRMED];
  return order[Math.min(...values.map((v) => order.indexOf(v)))];
}

/** "08/3/2022" (Vietnamese day/month/year) → "2022-03-08"; the first such date in a text. */
export function vnDate(text: string): string {
  const m = /(\d{1,2})\/(\d{1,2})\/(\d{4})/u.exec(text);
  if (!m) throw new Error(`No dd/mm/yyyy date in "${text}"`);
  return `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
}

/** The calendar day before a "YYYY-MM-DD" date. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Non-empty parts joined into one note; null when there is nothing to say. */
export function joinNote(...parts: Array<string | null | undefined | false>): string | null {
  const kept = parts.filter((p): p is string => typeof p === "string" && p.trim() !== "");
  return kept.length > 0 ? kept.join("\n") : null;
}
