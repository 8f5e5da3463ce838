import { IsOptional, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { LocalDate } from "../shared/scalars";
import { UnitLevel, UnitType } from "./unit.enums";

@InputType({ description: "Filters for units; all given filters must match." })
export class UnitFilter {
  @Field(() => UnitLevel, { nullable: true })
  level?: UnitLevel | null;

  @Field(() => [UnitType], { nullable: true, description: "Any of these types." })
  types?: UnitType[] | null;

  @Field(() => ID, { nullable: true, description: "Direct children of this unit." })
  parentId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Anywhere below this unit (its subtree, the unit excluded).",
  })
  withinId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Part of the name. Without diacritics it matches with or without them ('bac kan' finds 'Bắc Kạn'); with diacritics it matches them exactly.",
  })
  @IsOptional()
  @Length(1, 100, { message: "search must be 1 to 100 characters" })
  search?: string | null;

  @Field(() => String, { nullable: true, description: "Official code, e.g. '01834'." })
  @IsOptional()
  @Length(1, 16, { message: "code must be 1 to 16 characters" })
  code?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: "Only units that existed on this date. Omit to include every historical row.",
  })
  validOn?: string | null;

  @Field(() => Boolean, { nullable: true })
  speciallyDifficult?: boolean | null;
}
