/** Reference sources and the administrative tree of Bắc Kạn (province, 8 district-level units, 108 communes). */
import { IsNull } from "typeorm";
import { ReferenceSource } from "../shared/reference-source.entity";
import { Confidence } from "../shared/provenance";
import { foldDiacritics, lowerName, normalizeName } from "../shared/text";
import { LEVEL_OF_TYPE, UnitLevel, UnitType } from "../units/unit.enums";
import { Unit } from "../units/unit.entity";
import {
  REFERENCE,
  confidenceOf,
  dayBefore,
  joinNote,
  sourceCodes,
  type CommuneJson,
  type DistrictJson,
  type EvidenceJson,
  type HistoryEventJson,
  type TypeChangeJson,
  type Successor2025Json,
} from "./reference-data";
import { orNull, type Ensured, type SeedContext } from "./seed-context";

/** First day of the 108-commune layout (Nghị quyết 855/NQ-UBTVQH14, in force 01/02/2020). */
export const COMMUNE_LAYOUT_FROM = "2020-02-01";

const TYPE_WORD: Partial<Record<UnitType, string>> = {
  [UnitType.TINH]: "tỉnh",
  [UnitType.THANH_PHO]: "thành phố",
  [UnitType.HUYEN]: "huyện",
  [UnitType.XA]: "xã",
  [UnitType.PHUONG]: "phường",
  [UnitType.THI_TRAN]: "thị trấn",
  [UnitType.THON]: "thôn",
};

/** The Vietnamese word for a unit type, lower case ("xã", "thị trấn"). */
export function typeWord(type: UnitType): string {
  const word = TYPE_WORD[type];
  if (!word) throw new Error(`No Vietnamese type word for ${type}`);
  return word;
}

export function unitType(value: string): UnitType {
  const found = Object.values(UnitType).find((t) => t === value);
  if (!found) throw new Error(`Unknown unit type "${value}" in the reference data`);
  return found;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface CommuneEntry {
  /** The row valid in 2022. */
  unit: Unit;
  district: Unit;
  json: CommuneJson;
}

/** The seeded tree, with lookups by the names the reference data uses. */
export class UnitRegistry {
  readonly districts = new Map<string, { unit: Unit; json: DistrictJson }>();
  readonly communes = new Map<string, CommuneEntry>();
  readonly villages: Unit[] = [];

  constructor(readonly province: Unit) {}

  district(name: string): Unit {
    const found = this.districts.get(name);
    if (!found) throw new Error(`Reference data names unknown district "${name}"`);
    return found.unit;
  }

  /** District-level units with khu vực III communes: where the specially difficult xã lie. */
  districtsWithAreaIII(): Unit[] {
    return Object.entries(REFERENCE.status.khu_vuc_2021_2025.by_district)
      .filter(([, counts]) => (counts.III ?? 0) > 0)
      .map(([name]) => this.district(name));
  }

  /** A commune-level unit as it was in 2022, by name (and district, checked when given). */
  commune(name: string, districtName?: string): CommuneEntry {
    const found = this.communes.get(name);
    if (!found) throw new Error(`Reference data names unknown commune "${name}"`);
    if (districtName !== undefined && found.district.id !== this.district(districtName).id) {
      throw new Error(`Commune "${name}" is not in district "${districtName}"`);
    }
    return found;
  }
}

export async function seedReferenceSources(ctx: SeedContext): Promise<void> {
  for (const [code, citation] of Object.entries(REFERENCE.sources)) {
    await ctx.ensure(ReferenceSource, { code }, () => ({ code, citation }));
  }
}

interface UnitSpec {
  code: string | null;
  name: string;
  type: UnitType;
  areaClass?: string | null;
  validFrom: string | null;
  validTo: string | null;
  successorNote?: string | null;
  note?: string | null;
  sources: string[];
  confidence: Confidence;
}

/** Find a unit by its natural key (code + validFrom; parent + name for villages without a code) or insert it. */
async function ensureUnit(ctx: SeedContext, parent: Unit | null, spec: UnitSpec): Promise<Ensured<Unit>> {
  const level = LEVEL_OF_TYPE[spec.type];
  const name = normalizeName(spec.name);
  const where =
    spec.code !== null
      ? { code: spec.code, validFrom: orNull(spec.validFrom) }
      : { code: IsNull(), parentId: orNull(parent?.id ?? null), level, name };
  const created = await ctx.ensure(Unit, where, () => ({
    code: spec.code,
    name,
    fullName: `${capitalize(typeWord(spec.type))} ${name}`,
    nameFolded: foldDiacritics(name),
    nameLower: lowerName(name),
    level,
    type: spec.type,
    parentId: parent?.id ?? null,
    path: "",
    depth: parent ? parent.depth + 1 : 0,
    areaClass: spec.areaClass ?? null,
    speciallyDifficult: null,
    validFrom: spec.validFrom,
    validTo: spec.validTo,
    successorId: null,
    successorNote: spec.successorNote ?? null,
    note: spec.note ?? null,
    sources: spec.sources,
    confidence: spec.confidence,
  }));
  const unit = created.row;
  await ctx.completeNew(Unit, created, unit.id, { path: `${parent?.path ?? "/"}${unit.id}/` });
  return created;
}

/** The 2025 reorganisation: the event in the administrative history and the successor province. */
function reorganisation2025(): { event: HistoryEventJson; province: string; effective: string } {
  const successors = REFERENCE.districts.flatMap((d) => d.communes.map((c) => successorOf(c)));
  const provinces = new Set(successors.map((s) => s.province));
  const dates = new Set(successors.map((s) => s.effective));
  if (provinces.size !== 1 || dates.size !== 1)
    throw new Error("Communes disagree on the 2025 successor province");
  const [province] = provinces;
  const [effective] = dates;
  return { event: historyEvent(effective), province, effective };
}

function historyEvent(date: string): HistoryEventJson {
  const event = REFERENCE.province.administrative_history.find((e) => e.date === date);
  if (!event) throw new Error(`No administrative history event on ${date}`);
  return event;
}

function successorOf(c: CommuneJson): Successor2025Json {
  if (!c.successor_2025) throw new Error(`Commune ${c.code} has no 2025 successor`);
  return c.successor_2025;
}

function successorNote(s: Successor2025Json): string {
  return `${typeWord(unitType(s.type))} ${s.name}, tỉnh ${s.province} (từ ${s.effective})`;
}

function evidenceLine(e: EvidenceJson): string {
  const conf = confidenceOf(e.confidence);
  const asOf = e.as_of ? ` (as of ${e.as_of})` : "";
  const sure = conf === Confidence.CONFIRMED ? "" : ` (${conf})`;
  return `NTM evidence: ${e.fact}${asOf} [${sourceCodes(e.source).join(",")}]${sure}`;
}

export async function seedUnits(ctx: SeedContext): Promise<UnitRegistry> {
  const p = REFERENCE.province;
  const reorg = reorganisation2025();
  const lastDay = dayBefore(reorg.effective);
  const reorgSources = sourceCodes(reorg.event.source);

  const { row: province } = await ensureUnit(ctx, null, {
    code: p.code,
    name: p.name,
    type: UnitType.TINH,
    validFrom: null,
    validTo: lastDay,
    successorNote: `tỉnh ${reorg.province} (từ ${reorg.effective})`,
    note: joinNote(
      "First day in this form not in the reference data (validFrom left NULL).",
      reorg.event.event,
    ),
    sources: sourceCodes(p.source, reorg.event.source),
    confidence: confidenceOf(p.confidence),
  });
  const registry = new UnitRegistry(province);

  for (const d of REFERENCE.districts) {
    const type = unitType(d.type);
    if (LEVEL_OF_TYPE[type] !== UnitLevel.DISTRICT) throw new Error(`District ${d.code} has type ${d.type}`);
    if (`${capitalize(typeWord(type))} ${d.name}` !== d.full_name)
      throw new Error(`Unexpected full name ${d.full_name}`);
    const { row: district } = await ensureUnit(ctx, province, {
      code: d.code,
      name: d.name,
      type,
      validFrom: null,
      validTo: lastDay,
      successorNote: `cấp huyện chấm dứt từ ${reorg.effective} (chính quyền địa phương hai cấp); địa bàn thuộc tỉnh ${reorg.province}`,
      note: joinNote(
        d.note,
        d.seat &&
          `Seat: ${typeWord(unitType(d.seat.type))} ${d.seat.name}${d.seat.note ? ` (${d.seat.note})` : ""}.`,
        "First day in this form not in the reference data (validFrom left NULL).",
      ),
      sources: sourceCodes(d.source, reorgSources),
      confidence: confidenceOf(d.confidence),
    });
    registry.districts.set(d.name, { unit: district, json: d });

    for (const c of d.communes) {
      const unit = await seedCommune(ctx, district, d, c);
      if (registry.communes.has(c.name)) throw new Error(`Two communes named ${c.name}`);
      registry.communes.set(c.name, { unit, district, json: c });
    }
  }

  for (const list of REFERENCE.plan2022.village_lists_2022) {
    for (const v of list.progress) {
      const commune = registry.commune(v.xa, list.district);
      const { row: village } = await ensureUnit(ctx, commune.unit, {
        code: null,
        name: v.thon,
        type: UnitType.THON,
        validFrom: null,
        validTo: null,
        note: `Met ${v.criteria_met} village NTM criteria in 2022 (on ${list.district}'s 2022 village list). Dates of validity not in the reference data.`,
        sources: sourceCodes(list.source),
        confidence: confidenceOf(list.confidence),
      });
      registry.villages.push(village);
    }
  }
  return registry;
}

/** A commune and, when its type changed (Vân Tùng, 2023), the row that succeeded it. */
async function seedCommune(ctx: SeedContext, district: Unit, d: DistrictJson, c: CommuneJson): Promise<Unit> {
  const successor = successorOf(c);
  const changes = [...(c.type_changes ?? [])].sort((a, b) => a.date.localeCompare(b.date));
  const layout = historyEvent(COMMUNE_LAYOUT_FROM);
  const confidence = confidenceOf(d.confidence);
  const listSources = sourceCodes(d.source, c.khu_vuc_source);
  const notes = [
    c.name_gso_spelling && `GSO spelling: ${c.name_gso_spelling}.`,
    ...(c.ntm_evidence ?? []).map(evidenceLine),
  ];

  // Rows from the oldest form to the newest; each closes the day before the next opens.
  const forms: Array<{ type: UnitType; from: string; change: TypeChangeJson | null }> = [
    { type: unitType(c.type), from: COMMUNE_LAYOUT_FROM, change: null },
  ];
  for (const ch of changes) {
    if (ch.from !== forms[forms.length - 1].type)
      throw new Error(`Type change of ${c.code} does not follow on`);
    forms.push({ type: unitType(ch.to), from: ch.date, change: ch });
  }
  const changeSources = (ch: TypeChangeJson | null) =>
    ch ? sourceCodes(ch.source, historyEvent(ch.date).source) : [];
  const changeText = (ch: TypeChangeJson) =>
    `${typeWord(unitType(ch.from))} → ${typeWord(unitType(ch.to))} on ${ch.date} (${ch.by})`;

  const created: Array<Ensured<Unit>> = [];
  for (let i = 0; i < forms.length; i++) {
    const { type, from, change } = forms[i];
    const next = forms[i + 1];
    created.push(
      await ensureUnit(ctx, district, {
        code: c.code,
        name: c.name,
        type,
        areaClass: c.khu_vuc_2021_2025 ?? null,
        validFrom: from,
        validTo: next ? dayBefore(next.from) : dayBefore(successor.effective),
        successorNote: next ? null : successorNote(successor),
        note: joinNote(
          change
            ? `In this form since ${changeText(change)}.`
            : `Valid from the start of the 108-unit layout (${layout.event.split(":")[0]}), not necessarily the commune's founding date.`,
          next?.change && `Changed type: ${changeText(next.change)}; see the successor row.`,
          ...notes,
        ),
        sources: sourceCodes(
          listSources,
          changeSources(change),
          next ? changeSources(next.change) : successor.source,
        ),
        confidence,
      }),
    );
  }
  // Link each closed form to the form that replaced it (only on a row this run inserted).
  for (let i = 0; i + 1 < created.length; i++) {
    await ctx.completeNew(Unit, created[i], created[i].row.id, { successorId: created[i + 1].row.id });
  }
  return created[0].row;
}
