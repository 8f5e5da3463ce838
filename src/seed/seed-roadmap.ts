/** The 2022 roadmap of Kế hoạch 125/KH-UBND: 9 communes for NTM (7 named) and 2 for advanced NTM. */
import { IsNull, Like } from "typeorm";
import type { Plan } from "../plans/plan.entity";
import { RoadmapLevel, RoadmapOutcome } from "../plans/plan.enums";
import { RoadmapEntry } from "../plans/roadmap-entry.entity";
import { Confidence } from "../shared/provenance";
import { escapeLike } from "../shared/text";
import type { Unit } from "../units/unit.entity";
import { REFERENCE, confidenceOf, joinNote, sourceCodes } from "./reference-data";
import type { SeedContext } from "./seed-context";
import type { UnitRegistry } from "./seed-units";

const plan = REFERENCE.plan2022;
const status = REFERENCE.status;

interface RoadmapSpec {
  unit: Unit | null;
  /** For an unnamed commune: the start of its note, which identifies the entry. */
  unnamedKey?: string;
  district: Unit | null;
  level: RoadmapLevel;
  outcome: RoadmapOutcome;
  note: string;
  sources: string[];
  confidence: Confidence;
}

function roadmapSpecs(units: UnitRegistry): RoadmapSpec[] {
  const rm = plan.roadmap_communes;
  const res = status.results_2022;
  const rmSources = sourceCodes(rm.source);
  const missedNote =
    "Listed by the 2023 plan among the communes 'chưa đạt chuẩn trong lộ trình phấn đấu năm 2022'; carried into 2023.";
  const known: RoadmapSpec[] = rm.ntm_known.map((c) => {
    const entry = units.commune(c.name, c.district);
    const missed = res.ntm_targets_not_reached_names.includes(c.name);
    const reached = res.ntm_reached_known.some((r) => r.name === c.name);
    return {
      unit: entry.unit,
      district: entry.district,
      level: RoadmapLevel.NTM,
      outcome: missed ? RoadmapOutcome.MISSED : reached ? RoadmapOutcome.REACHED : RoadmapOutcome.PENDING,
      note: missed ? missedNote : (joinNote(c.outcome_2022 && `Outcome: ${c.outcome_2022}.`, c.note) ?? ""),
      sources: missed ? sourceCodes(rmSources, res.source) : sourceCodes(c.source ?? rm.source),
      // Only the communes the 2023 plan lists are read as KH 125 roadmap communes; others are inferred.
      confidence: missed ? confidenceOf(rm.confidence) : Confidence.UNCERTAIN,
    };
  });
  const unknown: RoadmapSpec[] = Array.from({ length: rm.ntm_unknown_count }, (_, i) => ({
    unit: null,
    unnamedKey: `Unnamed roadmap commune ${i + 1} of `,
    district: null,
    level: RoadmapLevel.NTM,
    outcome: RoadmapOutcome.PENDING,
    note:
      joinNote(
        `Unnamed roadmap commune ${i + 1} of ${rm.ntm_unknown_count}: commune and district unknown (NULL).`,
        `Outcome left pending: that it reached NTM in 2022 is inference. ${rm.note}`,
        res.province_count_after_ngoc_phai.note,
      ) ?? "",
    sources: sourceCodes(rmSources, res.province_count_after_ngoc_phai.source),
    confidence: Confidence.UNKNOWN,
  }));
  const advanced: RoadmapSpec[] = rm.advanced.map((c) => {
    const entry = units.commune(c.name, c.district);
    const missed = res.advanced_not_reached_names.includes(c.name);
    return {
      unit: entry.unit,
      district: entry.district,
      level: RoadmapLevel.ADVANCED_NTM,
      outcome: missed ? RoadmapOutcome.MISSED : RoadmapOutcome.PENDING,
      note: missed ? "Not reached in 2022 (S19); carried into 2023." : "",
      sources: sourceCodes(rmSources, missed ? res.source : null),
      confidence: confidenceOf(rm.confidence),
    };
  });
  return [...known, ...unknown, ...advanced];
}

/** Roadmap entries are keyed by plan, level and unit; the unnamed ones by the start of their note. */
export async function seedRoadmap(ctx: SeedContext, units: UnitRegistry, p: Plan): Promise<void> {
  for (const r of roadmapSpecs(units)) {
    const where =
      r.unit !== null
        ? { planId: p.id, level: r.level, unitId: r.unit.id }
        : {
            planId: p.id,
            level: r.level,
            unitId: IsNull(),
            note: Like(`${escapeLike(r.unnamedKey ?? r.note)}%`),
          };
    await ctx.ensure(RoadmapEntry, where, () => ({
      planId: p.id,
      unitId: r.unit?.id ?? null,
      districtUnitId: r.district?.id ?? null,
      level: r.level,
      year: p.year,
      outcome: r.outcome,
      carriedOverFromId: null,
      note: r.note === "" ? null : r.note,
      sources: r.sources,
      confidence: r.confidence,
    }));
  }
}
