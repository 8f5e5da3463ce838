import type { GraphQLResolveInfo } from "graphql";
import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { SelectQueryBuilder } from "typeorm";
import type { Context } from "../shared/context";
import { NotFoundError } from "../shared/errors";
import { decodeId } from "../shared/ids";
import { loadById } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { escapeLike, foldDiacritics } from "../shared/text";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { unitIdInSubtree } from "../units/unit.queries";
import { Organization } from "./organization.entity";
import { OrganizationFilter } from "./organization.inputs";
import { organizationById, organizationsByUnit } from "./organization.loaders";

export const OrganizationConnection = Connection("Organization", Organization);
type OrganizationConnection = InstanceType<typeof OrganizationConnection>;

const ORG_SORT: SortSpec<Organization> = {
  name: "org_name",
  direction: "ASC",
  keys: [
    { sql: "o.name_folded", value: (o) => o.nameFolded },
    { sql: "o.id", value: (o) => o.id },
  ],
};

function organizationListQuery(
  ctx: Context,
  filter: OrganizationFilter | null,
): SelectQueryBuilder<Organization> {
  const qb = ctx.ds.getRepository(Organization).createQueryBuilder("o");
  if (!filter) return qb;
  if (filter.kinds && filter.kinds.length > 0) qb.andWhere("o.kind IN (:...kinds)", { kinds: filter.kinds });
  if (filter.unitId)
    qb.andWhere("o.unit_id = :unitId", { unitId: decodeId("Unit", filter.unitId, "unitId") });
  if (filter.withinUnitId) {
    qb.andWhere(unitIdInSubtree("o.unit_id", "withinUnitId"), {
      withinUnitId: decodeId("Unit", filter.withinUnitId, "withinUnitId"),
    });
  }
  if (filter.search) {
    const q = `%${escapeLike(foldDiacritics(filter.search))}%`;
    qb.andWhere("(o.name_folded LIKE :q OR o.short_name LIKE :raw)", {
      q,
      raw: `%${escapeLike(filter.search)}%`,
    });
  }
  if (filter.active !== null && filter.active !== undefined)
    qb.andWhere("o.active = :active", { active: filter.active });
  return qb;
}

@Authorized()
@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { description: "One organization by ID. NOT_FOUND when there is none." })
  async organization(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Organization> {
    const org = await loadById(ctx, organizationById, decodeId("Organization", id));
    if (!org) throw new NotFoundError("Organization");
    return org;
  }

  @Query(() => OrganizationConnection, { description: "Organizations, by name." })
  organizations(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => OrganizationFilter, { nullable: true }) filter: OrganizationFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<OrganizationConnection> {
    return paginate(organizationListQuery(ctx, filter), ORG_SORT, page, selects(info, "totalCount"));
  }

  @FieldResolver(() => Unit, { description: "The unit the organization serves." })
  async unit(@Root() org: Organization, @Ctx() ctx: Context): Promise<Unit> {
    const unit = await loadById(ctx, unitById, org.unitId);
    if (!unit) throw new NotFoundError("Unit");
    return unit;
  }

  @FieldResolver(() => Organization, { nullable: true, description: "The body it belongs to, if any." })
  parent(@Root() org: Organization, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, org.parentId);
  }
}

/** Organizations attached to a unit. */
@Authorized()
@Resolver(() => Unit)
export class UnitOrganizationsResolver {
  @FieldResolver(() => [Organization], { description: "Organizations attached to this unit, by name." })
  organizations(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Organization[]> {
    return ctx.loaders.get(organizationsByUnit).load(unit.id);
  }
}
