import { IsOptional, Max, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { AssessmentStage, CriteriaSetKind, RecognitionLevel } from "./criteria.enums";

@InputType({ description: "Filters for criteria sets." })
export class CriteriaSetFilter {
  @Field(() => CriteriaSetKind, { nullable: true })
  kind?: CriteriaSetKind | null;

  @Field(() => Int, { nullable: true, description: "Sets in force in this year." })
  @IsOptional()
  @Min(1900, { message: "year must be between 1900 and 2199" })
  @Max(2199, { message: "year must be between 1900 and 2199" })
  year?: number | null;
}

@InputType({ description: "Filters for assessments; all given filters must match." })
export class AssessmentFilter {
  @Field(() => ID, { nullable: true, description: "This unit or any unit below it." })
  unitId?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1900, { message: "year must be between 1900 and 2199" })
  @Max(2199, { message: "year must be between 1900 and 2199" })
  year?: number | null;

  @Field(() => ID, { nullable: true })
  criteriaSetId?: string | null;

  @Field(() => ID, { nullable: true })
  criterionId?: string | null;

  @Field(() => Boolean, { nullable: true })
  met?: boolean | null;

  @Field(() => AssessmentStage, { nullable: true })
  stage?: AssessmentStage | null;
}

@InputType({ description: "Filters for recognitions; all given filters must match." })
export class RecognitionFilter {
  @Field(() => ID, { nullable: true, description: "This unit or any unit below it." })
  unitId?: string | null;

  @Field(() => [RecognitionLevel], { nullable: true })
  levels?: RecognitionLevel[] | null;

  @Field(() => Int, { nullable: true, description: "Standard met in this year." })
  @IsOptional()
  @Min(1900, { message: "standardYear must be between 1900 and 2199" })
  @Max(2199, { message: "standardYear must be between 1900 and 2199" })
  standardYear?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Include revoked recognitions." })
  includeRevoked?: boolean | null;
}
