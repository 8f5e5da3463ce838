/** The bodies that receive tasks: People's Committees of every level and the provincial agencies. */
import { OrganizationKind } from "../organizations/organization.enums";
import { Organization } from "../organizations/organization.entity";
import { Confidence } from "../shared/provenance";
import { foldDiacritics, normalizeName } from "../shared/text";
import type { Unit } from "../units/unit.entity";
import { REFERENCE, confidenceOf, joinNote, sourceCodes, type AgencyJson } from "./reference-data";
import type { SeedContext } from "./seed-context";
import { typeWord, unitType, type UnitRegistry } from "./seed-units";

/** Code of the NTM Coordination Office of the province. */
export const COORDINATION_OFFICE_CODE = "VPDP-NTM";
const COORDINATION_OFFICE_NAME = "Văn phòng Điều phối nông thôn mới";

/** Codes that read better than the mechanical derivation (the entity documents 'SNN'). */
const CODE_OVERRIDES: Record<string, string> = { "SNN&PTNT": "SNN" };

/** The People's Committee code of a unit: 'UBND-06', 'UBND-058', 'UBND-01864'. */
export function peoplesCommitteeCode(unitCode: string): string {
  return `UBND-${unitCode}`;
}

/** A stable ASCII code from an abbreviation: 'VPĐP NTM' → 'VPDP-NTM', 'SKH&ĐT' → 'SKHDT'. */
export function agencyCode(short: string): string {
  const override = CODE_OVERRIDES[short];
  if (override) return override;
  const code = foldDiacritics(short).toUpperCase().replace(/&/gu, "").replace(/\s+/gu, "-");
  if (!/^[A-Z0-9-]{1,40}$/u.test(code)) throw new Error(`Cannot derive an ASCII code from "${short}"`);
  return code;
}

function agencyKind(a: AgencyJson): OrganizationKind {
  if (a.kind === "office" && normalizeName(a.name).startsWith(COORDINATION_OFFICE_NAME)) {
    return OrganizationKind.COORDINATION_OFFICE;
  }
  const found = Object.values(OrganizationKind).find((k) => k === a.kind);
  if (!found) throw new Error(`Unknown organization kind "${a.kind}" for ${a.name}`);
  return found;
}

export class OrgRegistry {
  readonly byCode = new Map<string, Organization>();

  get(code: string): Organization {
    const found = this.byCode.get(code);
    if (!found) throw new Error(`No organization ${code}`);
    return found;
  }

  /** The People's Committee of a unit. */
  committeeOf(unit: Unit): Organization {
    if (unit.code === null) throw new Error(`Unit ${unit.name} has no code`);
    return this.get(peoplesCommitteeCode(unit.code));
  }

  /** An agency by its abbreviation in the reference data ('SNN&PTNT'). */
  agency(short: string): Organization {
    return this.get(agencyCode(short));
  }
}

interface OrgSpec {
  code: string;
  name: string;
  shortName: string | null;
  kind: OrganizationKind;
  unit: Unit;
  parent: Organization | null;
  note: string | null;
  sources: string[];
  confidence: Confidence;
}

async function ensureOrg(ctx: SeedContext, orgs: OrgRegistry, spec: OrgSpec): Promise<Organization> {
  if (orgs.byCode.has(spec.code)) throw new Error(`Two organizations with code ${spec.code}`);
  const name = normalizeName(spec.name);
  const { row } = await ctx.ensure(Organization, { code: spec.code }, () => ({
    code: spec.code,
    name,
    shortName: spec.shortName,
    nameFolded: foldDiacritics(name),
    kind: spec.kind,
    unitId: spec.unit.id,
    parentId: spec.parent?.id ?? null,
    active: true,
    note: spec.note,
    sources: spec.sources,
    confidence: spec.confidence,
  }));
  orgs.byCode.set(spec.code, row);
  return row;
}

/** A People's Committee of a district or commune, named after its unit. */
function committeeSpec(unit: Unit, parent: Organization, note: string | null): OrgSpec {
  if (unit.code === null) throw new Error(`Unit ${unit.name} has no code`);
  const place = `${typeWord(unit.type)} ${unit.name}`;
  return {
    code: peoplesCommitteeCode(unit.code),
    name: `Ủy ban nhân dân ${place}`,
    shortName: `UBND ${place}`,
    kind: OrganizationKind.PEOPLES_COMMITTEE,
    unit,
    parent,
    note,
    sources: unit.sources,
    confidence: unit.confidence,
  };
}

export async function seedOrganizations(ctx: SeedContext, units: UnitRegistry): Promise<OrgRegistry> {
  const orgs = new OrgRegistry();
  const province = units.province;
  const committee = REFERENCE.province.authorities.find(
    (a) => a.name === `Ủy ban nhân dân tỉnh ${province.name}`,
  );
  if (!committee) throw new Error("The reference data does not list the provincial People's Committee");
  const ubndTinh = await ensureOrg(ctx, orgs, {
    code: peoplesCommitteeCode(REFERENCE.province.code),
    name: committee.name,
    shortName: committee.short,
    kind: OrganizationKind.PEOPLES_COMMITTEE,
    unit: province,
    parent: null,
    note: committee.role,
    sources: sourceCodes(committee.source),
    confidence: confidenceOf(committee.confidence),
  });

  for (const a of REFERENCE.agencies) {
    await ensureOrg(ctx, orgs, {
      code: agencyCode(a.short),
      name: a.name,
      shortName: a.short,
      kind: agencyKind(a),
      unit: province,
      parent: null,
      note: joinNote(a.ntm_role, a.note),
      sources: sourceCodes(a.source),
      confidence: confidenceOf(a.confidence),
    });
  }

  for (const { unit: district } of units.districts.values()) {
    const ubndHuyen = await ensureOrg(ctx, orgs, committeeSpec(district, ubndTinh, null));
    for (const entry of units.communes.values()) {
      if (entry.district.id !== district.id) continue;
      const later = (entry.json.type_changes ?? []).map(
        (ch) =>
          `From ${ch.date}: Ủy ban nhân dân ${typeWord(unitType(ch.to))} ${entry.unit.name} (the unit changed type; one organization covers both forms).`,
      );
      await ensureOrg(ctx, orgs, committeeSpec(entry.unit, ubndHuyen, joinNote(...later)));
    }
  }
  return orgs;
}
