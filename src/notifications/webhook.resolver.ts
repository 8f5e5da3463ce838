import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, ID, Info, Mutation, Query, Resolver } from "type-graphql";
import { type Context, requireViewer } from "../shared/context";
import { ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  requireManagedOrg,
  retryWebhookDelivery,
} from "./commands/webhook-subscriptions.command";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription } from "./webhook.entity";
import { manageableDeliveries } from "./webhook.store";
import {
  CreateWebhookSubscriptionInput,
  CreateWebhookSubscriptionPayload,
  DeleteWebhookSubscriptionPayload,
  RetryWebhookDeliveryPayload,
  WebhookDeliveryConnection,
} from "./webhook.types";

const NEWEST_FIRST: SortSpec<WebhookDelivery> = {
  name: "newest",
  direction: "DESC",
  keys: [{ sql: "d.id", value: (d) => d.id }],
};

/** Webhooks of organizations: their officers, or admins and coordinators whose scope holds them. */
@Authorized()
@Resolver()
export class WebhookResolver {
  @Query(() => [WebhookSubscription], {
    description: "The webhook subscriptions of an organization you manage.",
  })
  async webhookSubscriptions(
    @Arg("organizationId", () => ID) organizationId: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookSubscription[]> {
    const orgId = await requireManagedOrg(ctx, organizationId);
    return ctx.ds.getRepository(WebhookSubscription).find({ where: { orgId }, order: { id: "ASC" } });
  }

  @Query(() => WebhookDeliveryConnection, {
    description: "Deliveries that failed for good, of the subscriptions you manage, newest first.",
  })
  failedWebhookDeliveries(
    @Args() page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<WebhookDeliveryConnection> {
    const qb = manageableDeliveries(ctx.ds.manager, requireViewer(ctx)).andWhere("d.status = :failed", {
      failed: WebhookDeliveryStatus.FAILED,
    });
    return paginate(qb, NEWEST_FIRST, page, selects(info, "totalCount"));
  }

  @Mutation(() => CreateWebhookSubscriptionPayload, {
    description: "Subscribe a URL to an organization's task events; the secret is returned only here.",
  })
  createWebhookSubscription(
    @Arg("input") input: CreateWebhookSubscriptionInput,
    @Ctx() ctx: Context,
  ): Promise<CreateWebhookSubscriptionPayload> {
    return createWebhookSubscription(ctx, input);
  }

  @Mutation(() => DeleteWebhookSubscriptionPayload, {
    description: "Remove a subscription and its deliveries.",
  })
  deleteWebhookSubscription(
    @Arg("id", () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<DeleteWebhookSubscriptionPayload> {
    return deleteWebhookSubscription(ctx, id);
  }

  @Mutation(() => RetryWebhookDeliveryPayload, { description: "Send a failed delivery again." })
  retryWebhookDelivery(
    @Arg("id", () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<RetryWebhookDeliveryPayload> {
    return retryWebhookDelivery(ctx, id);
  }
}
