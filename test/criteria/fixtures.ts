import type { DataSource } from "typeorm";
import { CriteriaSet } from "../../src/criteria/criteria-set.entity";
import { CriteriaSetKind } from "../../src/criteria/criteria.enums";
import { Criterion, Indicator } from "../../src/criteria/criterion.entity";

let seq = 0;

/** A criteria set of `kind` for 2021–2025 with `n` criteria; the first criterion has two indicators. */
export async function makeCriteriaSet(
  ds: DataSource,
  kind: CriteriaSetKind,
  n: number,
): Promise<{ set: CriteriaSet; criteria: Criterion[]; indicators: Indicator[] }> {
  const set = await ds.getRepository(CriteriaSet).save({
    code: `T-${kind}-${++seq}`,
    kind,
    name: `Bộ tiêu chí ${kind}`,
    decision: "Quyết định thử",
    periodStartYear: 2021,
    periodEndYear: 2025,
    criteriaCount: n,
    sources: [],
  });
  const criteria: Criterion[] = [];
  for (let no = 1; no <= n; no++)
    criteria.push(
      await ds.getRepository(Criterion).save({ setId: set.id, no, name: `Tiêu chí số ${no}`, sources: [] }),
    );
  const indicators: Indicator[] = [];
  for (const [ord, code] of ["1.1", "1.2"].entries())
    indicators.push(
      await ds.getRepository(Indicator).save({
        criterionId: criteria[0].id,
        code,
        ord: ord + 1,
        name: `Chỉ tiêu ${code}`,
      }),
    );
  return { set, criteria, indicators };
}
