/** Funding for 2022 that the sources report. Amounts are exact VND strings, never floats. */
import { AmountQualifier, FundingSource } from "../funding/funding.enums";
import { FundingAllocation } from "../funding/funding-allocation.entity";
import type { Plan } from "../plans/plan.entity";
import { Confidence } from "../shared/provenance";
import type { Unit } from "../units/unit.entity";
import { REFERENCE, confidenceOf, joinNote, sourceCodes, type FundingJson } from "./reference-data";
import type { SeedContext } from "./seed-context";
import type { UnitRegistry } from "./seed-units";

const SCALE: Record<string, number> = { tỷ: 9, triệu: 6 };

/** "hơn 11 tỷ đồng" → 11000000000 at least; "trên 7,7 tỷ đồng" → 7700000000 at least; "862 triệu đồng" → exact. */
export function parseVnd(text: string): { amount: string; qualifier: AmountQualifier } {
  const m = /^(hơn|trên|khoảng)?\s*(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d+))?\s*(tỷ|triệu) đồng$/u.exec(
    text.trim(),
  );
  if (!m) throw new Error(`Cannot read the amount "${text}"`);
  const scale = SCALE[m[4]];
  const fraction = m[3] ?? "";
  if (fraction.length > scale) throw new Error(`Amount "${text}" is finer than one đồng`);
  const amount = BigInt(m[2].replace(/\./gu, "") + fraction.padEnd(scale, "0")).toString();
  const qualifier =
    m[1] === "hơn" || m[1] === "trên"
      ? AmountQualifier.AT_LEAST
      : m[1] === "khoảng"
        ? AmountQualifier.APPROXIMATE
        : AmountQualifier.EXACT;
  return { amount, qualifier };
}

function describeAmount(a: { amount: string; qualifier: AmountQualifier }): string {
  return a.qualifier === AmountQualifier.EXACT
    ? `${a.amount} đồng`
    : `${a.amount} đồng, ${a.qualifier.replace("_", " ")}`;
}

/** An amount the sources give in triệu đồng as a number. */
function trieu(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`Unexpected amount ${n} triệu`);
  return (BigInt(n) * 1000000n).toString();
}

/** The parts a source splits an allocation into, and the budget each part comes from. */
const BREAKDOWN: Record<string, { label: string; source: FundingSource; note?: string }> = {
  trung_uong: { label: "ngân sách trung ương", source: FundingSource.CENTRAL_NTM },
  tinh_dieu_hanh: {
    label: "tỉnh điều hành",
    source: FundingSource.PROVINCIAL,
    note: "Budget source read from 'tỉnh điều hành' (the part the province administers): interpretation.",
  },
};

interface FundingSpec {
  source: FundingSource;
  recipient: Unit | null;
  amountVnd: string | null;
  amountQualifier: AmountQualifier;
  amountText: string | null;
  description: string;
  decisionRef: string | null;
  note: string | null;
  sources: string[];
  confidence: Confidence;
}

/** The decision an item cites: the text before its first colon, when it names a decision. */
function decisionOf(item: string): string | null {
  const m = /^((?:Nghị quyết|Quyết định|QĐ|NQ) [^:]+):/u.exec(item);
  return m ? m[1] : null;
}

function fundingSpecs(f: FundingJson, units: UnitRegistry): FundingSpec[] {
  const sources = sourceCodes(f.source);
  const confidence = confidenceOf(f.confidence);
  const decisionRef = decisionOf(f.item);
  const recipient =
    [...units.districts.values()].find((d) => f.item.startsWith(`${d.json.full_name}:`))?.unit ?? null;
  const use = f.use ? `Use: ${f.use}.` : null;

  if (typeof f.amount_vnd !== "string") {
    const a = f.amount_vnd;
    return [
      {
        source: /\b3 Chương trình MTQG\b/u.test(f.item)
          ? FundingSource.CENTRAL_THREE_PROGRAMS
          : FundingSource.CENTRAL_NTM,
        recipient,
        amountVnd: trieu(a["2022_trieu"]),
        amountQualifier: AmountQualifier.EXACT,
        amountText: null,
        description: `${f.item} — năm 2022`,
        decisionRef,
        note: joinNote(
          `The 2021-2025 total, ${a["2021_2025_total_trieu"]} triệu đồng, is not stored as a row of its own (a row is one year).`,
          f.note,
          use,
        ),
        sources,
        confidence,
      },
    ];
  }

  const total = f.amount_vnd;
  if (f.breakdown) {
    // One row per part, so that sums never count the total twice; the total stays in each note.
    return Object.entries(f.breakdown).map(([key, text]) => {
      const part = BREAKDOWN[key];
      if (!part) throw new Error(`Unknown funding breakdown "${key}"`);
      const { amount, qualifier } = parseVnd(text);
      return {
        source: part.source,
        recipient,
        amountVnd: amount,
        amountQualifier: qualifier,
        amountText: text,
        description: `${f.item} — phần ${part.label}`,
        decisionRef,
        note: joinNote(
          `Part of a total of '${total}' (${describeAmount(parseVnd(total))}).`,
          part.note,
          use,
          f.note,
        ),
        sources,
        confidence: part.note ? Confidence.UNCERTAIN : confidence,
      };
    });
  }

  const { amount, qualifier } = parseVnd(f.amount_vnd);
  return [
    {
      source: FundingSource.CENTRAL_NTM,
      recipient,
      amountVnd: amount,
      amountQualifier: qualifier,
      amountText: f.amount_vnd,
      description: f.item,
      decisionRef,
      note: joinNote(
        "Budget source read as the central NTM programme budget; the source does not split central and local funds.",
        f.note,
        use,
      ),
      sources,
      confidence,
    },
  ];
}

export async function seedFunding(ctx: SeedContext, units: UnitRegistry, plan: Plan): Promise<void> {
  for (const f of REFERENCE.plan2022.funding_2022) {
    for (const s of fundingSpecs(f, units)) {
      await ctx.ensure(FundingAllocation, { planId: plan.id, description: s.description }, () => ({
        planId: plan.id,
        year: plan.year,
        source: s.source,
        recipientUnitId: s.recipient?.id ?? null,
        amountVnd: s.amountVnd,
        amountQualifier: s.amountQualifier,
        amountText: s.amountText,
        description: s.description,
        decisionRef: s.decisionRef,
        note: s.note,
        sources: s.sources,
        confidence: s.confidence,
      }));
    }
  }
}
