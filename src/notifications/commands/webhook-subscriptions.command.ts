/**
 * Managing webhooks: subscribe an organization, unsubscribe, and put a failed delivery back on the
 * queue. Who may: canManageWebhooks. Bad input is a userError and nothing is written.
 */
import { withTransaction } from "../../db/transaction";
import { DomainError, ErrorCode } from "../../shared/errors";
import { type Context, requireViewer } from "../../shared/context";
import { parseGlobalId, toGlobalId } from "../../shared/ids";
import { type UserError, userError } from "../../shared/user-errors";
import { canManageWebhooks } from "../webhook.policy";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription } from "../webhook.entity";
import { parseWebhookEvents, webhookUrlProblem } from "../webhook-input";
import { newWebhookSecret } from "../webhook-post";
import { loadOrgFacts, manageableDeliveries, manageableSubscriptions } from "../webhook.store";
import type {
  CreateWebhookSubscriptionInput,
  CreateWebhookSubscriptionPayload,
  DeleteWebhookSubscriptionPayload,
  RetryWebhookDeliveryPayload,
} from "../webhook.types";

const forbidden = () =>
  new DomainError("You may not manage this organization's webhooks", ErrorCode.FORBIDDEN);

/** An organization the viewer manages webhooks of; a missing or foreign one is FORBIDDEN (reference data). */
export async function requireManagedOrg(ctx: Context, organizationId: string): Promise<number> {
  const viewer = requireViewer(ctx);
  const parsed = parseGlobalId(organizationId);
  if (!parsed || parsed.type !== "Organization")
    throw new DomainError("organizationId is not a valid Organization ID", ErrorCode.BAD_USER_INPUT);
  const org = await loadOrgFacts(ctx.ds.manager, parsed.id);
  if (!org || !canManageWebhooks(viewer, org)) throw forbidden();
  return org.orgId;
}

export async function createWebhookSubscription(
  ctx: Context,
  input: CreateWebhookSubscriptionInput,
): Promise<CreateWebhookSubscriptionPayload> {
  const viewer = requireViewer(ctx);
  const fail = (errors: UserError[]) => ({ subscription: null, secret: null, userErrors: errors });
  const parsed = parseGlobalId(input.organizationId);
  if (!parsed || parsed.type !== "Organization")
    return fail([userError("BAD_USER_INPUT", "Not a valid Organization ID", ["input", "organizationId"])]);
  const org = await loadOrgFacts(ctx.ds.manager, parsed.id);
  if (!org || !canManageWebhooks(viewer, org))
    return fail([
      userError("FORBIDDEN", "You may not manage this organization's webhooks", ["input", "organizationId"]),
    ]);
  const errors: UserError[] = [];
  const urlProblem = webhookUrlProblem(input.url.trim());
  if (urlProblem) errors.push(userError("BAD_USER_INPUT", urlProblem, ["input", "url"]));
  const events = parseWebhookEvents(input.events);
  if ("problem" in events) errors.push(userError("BAD_USER_INPUT", events.problem, ["input", "events"]));
  if (errors.length || "problem" in events) return fail(errors);

  const secret = newWebhookSecret();
  const repo = ctx.ds.getRepository(WebhookSubscription);
  const ins = await repo.insert({
    orgId: org.orgId,
    url: input.url.trim(),
    secret,
    events: events.events.join(","),
    active: true,
    createdBy: viewer.userId,
  });
  const subscription = await repo.findOneByOrFail({ id: Number(ins.identifiers[0].id) });
  return { subscription, secret, userErrors: [] };
}

export async function deleteWebhookSubscription(
  ctx: Context,
  id: string,
): Promise<DeleteWebhookSubscriptionPayload> {
  const viewer = requireViewer(ctx);
  const parsed = parseGlobalId(id);
  if (!parsed || parsed.type !== "WebhookSubscription")
    return {
      deletedId: null,
      userErrors: [userError("BAD_USER_INPUT", "Not a valid WebhookSubscription ID", ["id"])],
    };
  const sub = await manageableSubscriptions(ctx.ds.manager, viewer)
    .andWhere("s.id = :whId", { whId: parsed.id })
    .getOne();
  if (!sub)
    return {
      deletedId: null,
      userErrors: [userError("NOT_FOUND", "Webhook subscription not found", ["id"])],
    };
  await ctx.ds.getRepository(WebhookSubscription).delete({ id: sub.id });
  return { deletedId: toGlobalId("WebhookSubscription", sub.id), userErrors: [] };
}

export async function retryWebhookDelivery(ctx: Context, id: string): Promise<RetryWebhookDeliveryPayload> {
  const viewer = requireViewer(ctx);
  const fail = (errors: UserError[]) => ({ delivery: null, userErrors: errors });
  const parsed = parseGlobalId(id);
  if (!parsed || parsed.type !== "WebhookDelivery")
    return fail([userError("BAD_USER_INPUT", "Not a valid WebhookDelivery ID", ["id"])]);
  return withTransaction(ctx.ds, async (uow) => {
    const d = await manageableDeliveries(uow.manager, viewer)
      .andWhere("d.id = :whId", { whId: parsed.id })
      .setLock("pessimistic_write")
      .getOne();
    if (!d) return fail([userError("NOT_FOUND", "Webhook delivery not found", ["id"])]);
    if (d.status !== WebhookDeliveryStatus.FAILED)
      return fail([
        userError("ILLEGAL_TRANSITION", `Only a failed delivery can be retried (it is ${d.status})`, ["id"]),
      ]);
    await uow.manager
      .getRepository(WebhookDelivery)
      .update({ id: d.id }, { status: WebhookDeliveryStatus.PENDING, nextAttemptAt: null });
    const enqueue = ctx.webhooks;
    // A distinct job id per retry: the failed job may still be kept by BullMQ.
    if (enqueue)
      uow.afterCommit(async () => void (await enqueue([d.id], { retry: d.attempts }).catch(() => undefined)));
    const delivery = await uow.manager.getRepository(WebhookDelivery).findOneByOrFail({ id: d.id });
    return { delivery, userErrors: [] };
  });
}
