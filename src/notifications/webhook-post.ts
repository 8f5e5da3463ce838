/**
 * One HTTP delivery of a webhook: POST the JSON body, signed with the subscription's secret
 * (`X-NTM-Signature: sha256=<hex HMAC-SHA256 of the raw body>`), with a bounded wait. Returns what
 * happened; the caller decides whether to retry. Error texts name no internal detail.
 */
import { createHmac, randomBytes } from "node:crypto";

export const WEBHOOK_TIMEOUT_MS = 5000;

/** A new subscription secret: 32 random bytes, hex. Shown once, at creation. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("hex");
}

/** The X-NTM-Signature value of `body` under `secret`. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: number;
  event: string;
  /** The raw JSON body: `{ id, event, occurredAt, data }`. */
  body: string;
}

export type WebhookResult =
  { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

export async function postWebhook(
  req: WebhookRequest,
  timeoutMs: number = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookResult> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "ntm-plan-api-webhooks",
        "x-ntm-event": req.event,
        "x-ntm-delivery": String(req.deliveryId),
        "x-ntm-signature": signWebhookBody(req.secret, req.body),
      },
      body: req.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // A DOMException from AbortSignal.timeout; not always `instanceof Error` across realms.
    const name = typeof err === "object" && err !== null && "name" in err ? String(err.name) : "";
    const timedOut = name === "TimeoutError" || name === "AbortError";
    return {
      ok: false,
      statusCode: null,
      error: timedOut ? `No answer within ${timeoutMs} ms.` : "Could not connect to the receiver.",
    };
  }
  // The body is never read into errors (it is the receiver's, not ours to keep); drain it.
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
  return { ok: false, statusCode: res.status, error: `The receiver answered HTTP ${res.status}.` };
}
