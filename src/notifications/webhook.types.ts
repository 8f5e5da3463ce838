import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Connection } from "../shared/pagination";
import { UserError } from "../shared/user-errors";
import { WebhookDelivery, WebhookSubscription } from "./webhook.entity";

export const WebhookDeliveryConnection = Connection("WebhookDelivery", WebhookDelivery);
export type WebhookDeliveryConnection = InstanceType<typeof WebhookDeliveryConnection>;

@InputType()
export class CreateWebhookSubscriptionInput {
  @Field(() => ID, { description: "The organization whose task events are sent." })
  organizationId!: string;

  @Field({ description: "https://…, or http:// only for localhost or 127.0.0.1." })
  url!: string;

  @Field(() => [String], { description: "Any of: assigned, reported, approved, returned, overdue." })
  events!: string[];
}

@ObjectType()
export class CreateWebhookSubscriptionPayload {
  @Field(() => WebhookSubscription, { nullable: true })
  subscription!: WebhookSubscription | null;

  @Field(() => String, {
    nullable: true,
    description: "Signs every delivery (X-NTM-Signature: sha256=HMAC of the body). Shown only now.",
  })
  secret!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class DeleteWebhookSubscriptionPayload {
  @Field(() => ID, { nullable: true })
  deletedId!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class RetryWebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { nullable: true })
  delivery!: WebhookDelivery | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
