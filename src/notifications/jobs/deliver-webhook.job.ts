/**
 * deliver-webhook: POST one webhook_delivery row to its subscription's URL (webhook-post.ts).
 * The handler re-reads the row under a lock and does nothing when it is no longer pending or its subscription
 * is gone or inactive. A non-2xx answer (or none within the timeout) throws, so BullMQ retries it
 * with exponential backoff; the last attempt marks the row failed (failedWebhookDeliveries lists
 * it, retryWebhookDelivery puts it back on the queue).
 */
import type { DataSource } from "typeorm";
import { withTransaction } from "../../db/transaction";
import type { Logger } from "../../shared/logger";
import { countDelivery } from "../../shared/metrics";
import { WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription } from "../webhook.entity";
import { postWebhook, WEBHOOK_TIMEOUT_MS } from "../webhook-post";

export const DELIVER_WEBHOOK = "deliver-webhook" as const;

/** The delivery's id only: the handler reads everything else. */
export interface DeliverWebhookPayload {
  deliveryId: number;
  /** Request ID of the API request that caused it (x-request-id), for the logs. */
  rid?: string;
}

/** webhook-<deliveryId>[-<retry>]: one job per delivery at a time (no ':'). */
export function deliverWebhookJobId(deliveryId: number, retry = 0): string {
  return retry > 0 ? `webhook-${deliveryId}-${retry}` : `webhook-${deliveryId}`;
}

export interface DeliverWebhookDeps {
  ds: DataSource;
  logger?: Logger;
  /** Per-request timeout (5 s). */
  timeoutMs?: number;
}

/** Where the job stands among its tries (BullMQ's attemptsMade before this one, and the limit). */
export interface AttemptInfo {
  attemptsMade: number;
  maxAttempts: number;
  /** The first retry delay; the row's next_attempt_at is computed from it. */
  backoffMs: number;
}

export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
}

export type DeliverWebhookResult =
  | { status: "succeeded"; statusCode: number }
  | { status: "skipped"; reason: "gone" | "not_pending" | "inactive" }
  | { status: "failed" };

function skipped(reason: "gone" | "not_pending" | "inactive"): DeliverWebhookResult {
  countDelivery("webhook", "skipped");
  return { status: "skipped", reason };
}

export async function handleDeliverWebhook(
  deps: DeliverWebhookDeps,
  p: DeliverWebhookPayload,
  attempt: AttemptInfo,
): Promise<DeliverWebhookResult> {
  // The row stays locked (FOR UPDATE) while the receiver is called and until the outcome is
  // written: a second run of the same delivery (a duplicated, retried or stalled job, another
  // worker) waits, then finds it no longer pending and posts nothing. Only a crash after the
  // receiver answered 2xx and before the commit can repeat a POST; the X-NTM-Delivery header is
  // the same on the repeat, for receivers to drop it.
  const outcome = await withTransaction(deps.ds, async ({ manager }) => {
    const delivery = await manager
      .getRepository(WebhookDelivery)
      .createQueryBuilder("d")
      .where("d.id = :id", { id: Number(p.deliveryId) })
      .setLock("pessimistic_write")
      .getOne();
    if (!delivery) return { status: "skipped", reason: "gone" } as const;
    if (delivery.status !== WebhookDeliveryStatus.PENDING)
      return { status: "skipped", reason: "not_pending" } as const;
    const sub = await manager.getRepository(WebhookSubscription).findOneBy({ id: delivery.subscriptionId });
    if (!sub || !sub.active) return { status: "skipped", reason: "inactive" } as const;

    const body = JSON.stringify({
      id: delivery.id,
      event: delivery.event,
      occurredAt: delivery.createdAt.toISOString(),
      data: delivery.payload,
    });
    const result = await postWebhook(
      { url: sub.url, secret: sub.secret, deliveryId: delivery.id, event: delivery.event, body },
      deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
    );
    const last = attempt.attemptsMade + 1 >= attempt.maxAttempts;
    const status = result.ok
      ? WebhookDeliveryStatus.SUCCEEDED
      : last
        ? WebhookDeliveryStatus.FAILED
        : WebhookDeliveryStatus.PENDING;
    const nextAttemptAt =
      result.ok || last ? null : new Date(Date.now() + attempt.backoffMs * 2 ** attempt.attemptsMade);
    await manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({
        status,
        attempts: () => "attempts + 1",
        lastStatusCode: result.statusCode,
        lastError: result.ok ? null : result.error,
        nextAttemptAt,
      })
      .where("id = :id", { id: delivery.id })
      .execute();
    return { status: "posted", deliveryId: delivery.id, result, last } as const;
  });
  if (outcome.status === "skipped") return skipped(outcome.reason);
  const { result, last } = outcome;
  countDelivery("webhook", result.ok ? "sent" : "failed");
  if (result.ok) return { status: "succeeded", statusCode: result.statusCode };
  deps.logger?.warn(
    { job: DELIVER_WEBHOOK, deliveryId: outcome.deliveryId, statusCode: result.statusCode, last },
    "webhook delivery failed",
  );
  if (last) return { status: "failed" };
  throw new WebhookDeliveryError(result.error);
}
