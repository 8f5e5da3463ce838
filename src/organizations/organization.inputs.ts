import { IsOptional, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { OrganizationKind } from "./organization.enums";

@InputType({ description: "Filters for organizations; all given filters must match." })
export class OrganizationFilter {
  @Field(() => [OrganizationKind], { nullable: true })
  kinds?: OrganizationKind[] | null;

  @Field(() => ID, { nullable: true, description: "Organizations attached to this unit." })
  unitId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Organizations attached to this unit or any unit below it.",
  })
  withinUnitId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Part of the name or short name, with or without diacritics.",
  })
  @IsOptional()
  @Length(1, 100, { message: "search must be 1 to 100 characters" })
  search?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}
