import type { GraphQLResolveInfo } from "graphql";
import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../shared/context";
import { decodeId } from "../shared/ids";
import { loadById, loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { Assessment, IndicatorValue } from "./assessment.entity";
import { CriteriaSet } from "./criteria-set.entity";
import { CriteriaSetFilter } from "./criteria.inputs";
import {
  criteriaBySet,
  criteriaSetById,
  criterionById,
  indicatorById,
  indicatorsByCriterion,
  indicatorValuesByAssessment,
} from "./criteria.loaders";
import { Criterion, Indicator } from "./criterion.entity";

export const CriteriaSetConnection = Connection("CriteriaSet", CriteriaSet);
type CriteriaSetConnection = InstanceType<typeof CriteriaSetConnection>;

const SET_SORT: SortSpec<CriteriaSet> = {
  name: "set_code",
  direction: "ASC",
  keys: [
    { sql: "s.period_start_year", value: (s) => s.periodStartYear },
    { sql: "s.code", value: (s) => s.code },
    { sql: "s.id", value: (s) => s.id },
  ],
};

@Authorized()
@Resolver(() => CriteriaSet)
export class CriteriaSetResolver {
  @Query(() => CriteriaSet, { description: "One criteria set by ID. NOT_FOUND when there is none." })
  criteriaSet(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<CriteriaSet> {
    return loadRequired(ctx, criteriaSetById, decodeId("CriteriaSet", id), "CriteriaSet");
  }

  @Query(() => CriteriaSetConnection, { description: "Criteria sets (bộ tiêu chí), oldest period first." })
  criteriaSets(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => CriteriaSetFilter, { nullable: true }) filter: CriteriaSetFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CriteriaSetConnection> {
    const qb = ctx.ds.getRepository(CriteriaSet).createQueryBuilder("s");
    if (filter?.kind) qb.andWhere("s.kind = :kind", { kind: filter.kind });
    if (filter?.year) {
      qb.andWhere(
        "s.period_start_year <= :year AND (s.period_end_year IS NULL OR s.period_end_year >= :year)",
        {
          year: filter.year,
        },
      );
    }
    return paginate(qb, SET_SORT, page, selects(info, "totalCount"));
  }

  @FieldResolver(() => [Criterion], { description: "Criteria, by number." })
  criteria(@Root() set: CriteriaSet, @Ctx() ctx: Context): Promise<Criterion[]> {
    return ctx.loaders.get(criteriaBySet).load(set.id);
  }
}

@Authorized()
@Resolver(() => Criterion)
export class CriterionResolver {
  @FieldResolver(() => CriteriaSet)
  set(@Root() c: Criterion, @Ctx() ctx: Context): Promise<CriteriaSet> {
    return loadRequired(ctx, criteriaSetById, c.setId, "CriteriaSet");
  }

  @FieldResolver(() => [Indicator], { description: "Indicators (chỉ tiêu), in order." })
  indicators(@Root() c: Criterion, @Ctx() ctx: Context): Promise<Indicator[]> {
    return ctx.loaders.get(indicatorsByCriterion).load(c.id);
  }
}

@Authorized()
@Resolver(() => Indicator)
export class IndicatorResolver {
  @FieldResolver(() => Criterion)
  criterion(@Root() i: Indicator, @Ctx() ctx: Context): Promise<Criterion> {
    return loadRequired(ctx, criterionById, i.criterionId, "Criterion");
  }
}

@Authorized()
@Resolver(() => Assessment)
export class AssessmentFieldsResolver {
  @FieldResolver(() => Unit)
  unit(@Root() a: Assessment, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, a.unitId, "Unit");
  }

  @FieldResolver(() => Criterion)
  criterion(@Root() a: Assessment, @Ctx() ctx: Context): Promise<Criterion> {
    return loadRequired(ctx, criterionById, a.criterionId, "Criterion");
  }

  @FieldResolver(() => Organization, { nullable: true, description: "Who assessed." })
  assessedBy(@Root() a: Assessment, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, a.assessedByOrgId);
  }

  @FieldResolver(() => [IndicatorValue], { description: "Values recorded per indicator." })
  indicatorValues(@Root() a: Assessment, @Ctx() ctx: Context): Promise<IndicatorValue[]> {
    return ctx.loaders.get(indicatorValuesByAssessment).load(a.id);
  }
}

@Authorized()
@Resolver(() => IndicatorValue)
export class IndicatorValueResolver {
  @FieldResolver(() => Indicator)
  indicator(@Root() v: IndicatorValue, @Ctx() ctx: Context): Promise<Indicator> {
    return loadRequired(ctx, indicatorById, v.indicatorId, "Indicator");
  }
}
