import type { GraphQLResolveInfo } from "graphql";
import {
  Authorized,
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import type { Context } from "../shared/context";
import { BadInputError } from "../shared/errors";
import { decodeId } from "../shared/ids";
import { loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { unitIdInSubtree } from "../units/unit.queries";
import { Assessment } from "./assessment.entity";
import { AssessmentFilter, RecognitionFilter } from "./criteria.inputs";
import { assessmentById, assessmentsByUnit, recognitionById, recognitionsByUnit } from "./criteria.loaders";
import { Recognition } from "./recognition.entity";

export const AssessmentConnection = Connection("Assessment", Assessment);
type AssessmentConnection = InstanceType<typeof AssessmentConnection>;
export const RecognitionConnection = Connection("Recognition", Recognition);
type RecognitionConnection = InstanceType<typeof RecognitionConnection>;

const ASSESSMENT_SORT: SortSpec<Assessment> = {
  name: "assessment",
  direction: "ASC",
  keys: [
    { sql: "a.unit_id", value: (a) => a.unitId },
    { sql: "a.year", value: (a) => a.year },
    { sql: "a.criterion_id", value: (a) => a.criterionId },
    { sql: "a.id", value: (a) => a.id },
  ],
};

const RECOGNITION_SORT: SortSpec<Recognition> = {
  name: "recognition",
  direction: "ASC",
  keys: [
    { sql: "r.unit_id", value: (r) => r.unitId },
    { sql: "r.id", value: (r) => r.id },
  ],
};

@Authorized()
@Resolver(() => Assessment)
export class AssessmentResolver {
  @Query(() => Assessment, { description: "One assessment by ID. NOT_FOUND when there is none." })
  assessment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Assessment> {
    return loadRequired(ctx, assessmentById, decodeId("Assessment", id), "Assessment");
  }

  @Query(() => AssessmentConnection, { description: "Criterion assessments, by unit, year and criterion." })
  assessments(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => AssessmentFilter, { nullable: true }) filter: AssessmentFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AssessmentConnection> {
    const qb = ctx.ds.getRepository(Assessment).createQueryBuilder("a");
    if (filter?.unitId)
      qb.andWhere(unitIdInSubtree("a.unit_id", "unitId"), {
        unitId: decodeId("Unit", filter.unitId, "unitId"),
      });
    if (filter?.year) qb.andWhere("a.year = :year", { year: filter.year });
    if (filter?.criterionId) {
      qb.andWhere("a.criterion_id = :cid", { cid: decodeId("Criterion", filter.criterionId, "criterionId") });
    }
    if (filter?.criteriaSetId) {
      qb.andWhere("a.criterion_id IN (SELECT c.id FROM criterion c WHERE c.set_id = :setId)", {
        setId: decodeId("CriteriaSet", filter.criteriaSetId, "criteriaSetId"),
      });
    }
    if (filter?.met === true || filter?.met === false) qb.andWhere("a.met = :met", { met: filter.met });
    if (filter?.stage) qb.andWhere("a.stage = :stage", { stage: filter.stage });
    return paginate(qb, ASSESSMENT_SORT, page, selects(info, "totalCount"));
  }

  @Query(() => Recognition, { description: "One recognition by ID. NOT_FOUND when there is none." })
  recognition(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Recognition> {
    return loadRequired(ctx, recognitionById, decodeId("Recognition", id), "Recognition");
  }

  @Query(() => RecognitionConnection, { description: "Recognition decisions (công nhận), by unit." })
  recognitions(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => RecognitionFilter, { nullable: true }) filter: RecognitionFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<RecognitionConnection> {
    const qb = ctx.ds.getRepository(Recognition).createQueryBuilder("r");
    if (filter?.unitId)
      qb.andWhere(unitIdInSubtree("r.unit_id", "unitId"), {
        unitId: decodeId("Unit", filter.unitId, "unitId"),
      });
    if (filter?.levels && filter.levels.length > 0)
      qb.andWhere("r.level IN (:...levels)", { levels: filter.levels });
    if (filter?.standardYear) qb.andWhere("r.standard_year = :sy", { sy: filter.standardYear });
    if (!filter?.includeRevoked) qb.andWhere("r.revoked_on IS NULL");
    return paginate(qb, RECOGNITION_SORT, page, selects(info, "totalCount"));
  }
}

@Authorized()
@Resolver(() => Recognition)
export class RecognitionFieldsResolver {
  @FieldResolver(() => Unit)
  unit(@Root() r: Recognition, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, r.unitId, "Unit");
  }
}

/** Criteria facts seen from a unit. */
@Authorized()
@Resolver(() => Unit)
export class UnitCriteriaResolver {
  @FieldResolver(() => [Assessment], { description: "This unit's criterion assessments for a year." })
  async assessments(
    @Root() unit: Unit,
    @Arg("year", () => Int) year: number,
    @Ctx() ctx: Context,
  ): Promise<Assessment[]> {
    checkYear(year);
    const rows = await ctx.loaders.get(assessmentsByUnit).load(unit.id);
    return rows.filter((a) => a.year === year);
  }

  @FieldResolver(() => [Recognition], {
    description: "Recognition decisions for this unit, oldest first, revoked ones included.",
  })
  recognitions(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Recognition[]> {
    return ctx.loaders.get(recognitionsByUnit).load(unit.id);
  }
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1900 || year > 2199) {
    throw new BadInputError("year must be between 1900 and 2199", "year");
  }
}
