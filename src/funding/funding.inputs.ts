import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Decimal, LocalDate } from "../shared/scalars";
import { UserError } from "../shared/user-errors";
import { FundingDisbursement } from "./funding-disbursement.entity";
import { FundingSource } from "./funding.enums";

@InputType({ description: "A payment made for a plan from one source (giải ngân)." })
export class RecordDisbursementInput {
  @Field(() => ID)
  planId!: string;

  @Field(() => ID, {
    nullable: true,
    description: "The allocation it draws on, of the same plan and source; optional.",
  })
  allocationId?: string | null;

  @Field(() => FundingSource)
  source!: FundingSource;

  @Field(() => ID, {
    nullable: true,
    description:
      "The unit receiving the money, in the plan's scope (within the allocation's recipient when it has one). Omitted: the allocation's recipient, else the plan as a whole.",
  })
  recipientUnitId?: string | null;

  @Field(() => Decimal, { description: 'Amount in VND (đồng): a whole positive number, e.g. "1250000000".' })
  amountVnd!: string;

  @Field(() => LocalDate, {
    description:
      "The calendar date it was paid out (Asia/Ho_Chi_Minh): from 1 January of the plan's first year to today.",
  })
  disbursedOn!: string;

  @Field({
    description:
      "The payment voucher or decision it was made under (chứng từ, quyết định); at most 255 characters.",
  })
  reference!: string;

  @Field(() => String, { nullable: true, description: "At most 2000 characters." })
  note?: string | null;
}

@ObjectType()
export class DisbursementPayload {
  @Field(() => FundingDisbursement, { nullable: true })
  disbursement!: FundingDisbursement | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: "Which disbursements of a plan to list." })
export class FundingDisbursementFilter {
  @Field(() => ID, { nullable: true, description: "Disbursements to this unit and the units below it." })
  unitId?: string | null;

  @Field(() => FundingSource, { nullable: true })
  source?: FundingSource | null;

  @Field(() => ID, { nullable: true })
  allocationId?: string | null;

  @Field(() => LocalDate, { nullable: true, description: "Paid out on or after this date." })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: "Paid out on or before this date." })
  to?: string | null;
}
