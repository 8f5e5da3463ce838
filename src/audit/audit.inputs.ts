import { IsOptional, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Filters for the audit log; all given filters must match." })
export class AuditFilter {
  @Field(() => String, { nullable: true, description: "Type of the object changed, e.g. 'User'." })
  @IsOptional()
  @Length(1, 32, { message: "objectType must be 1 to 32 characters" })
  objectType?: string | null;

  @Field(() => ID, { nullable: true, description: "Global ID of the object changed (of any type)." })
  objectId?: string | null;

  @Field(() => ID, { nullable: true, description: "Global ID of the user who made the change." })
  actorUserId?: string | null;

  @Field(() => String, { nullable: true, description: "What was done, e.g. 'user.create'." })
  @IsOptional()
  @Length(1, 64, { message: "action must be 1 to 64 characters" })
  action?: string | null;

  @Field(() => Date, { nullable: true, description: "Entries at or after this instant." })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: "Entries at or before this instant." })
  to?: Date | null;
}
