/**
 * What a webhook subscription may say: the events it can follow and the URLs it may point at.
 * Pure checks, so a bad input is a userError and nothing is written.
 */
export const WEBHOOK_EVENTS = ["assigned", "reported", "approved", "returned", "overdue"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Null when `url` is acceptable: https, or http only to this machine. Otherwise a sentence. */
export function webhookUrlProblem(url: string): string | null {
  if (url.length > 2000) return "The URL is too long (at most 2000 characters).";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "Not a valid URL.";
  }
  if (u.username || u.password) return "The URL must not contain a user name or password.";
  if (u.protocol === "https:") return null;
  if (u.protocol === "http:" && LOCAL_HOSTS.has(u.hostname)) return null;
  return "The URL must use https (http only for localhost or 127.0.0.1).";
}

/**
 * The distinct events of a subscription in a stable order, or the problem with them (empty, or
 * an event nobody publishes).
 */
export function parseWebhookEvents(
  events: readonly string[],
): { events: WebhookEvent[] } | { problem: string } {
  const wanted = new Set(events.map((e) => e.trim().toLowerCase()));
  if (wanted.size === 0) return { problem: "Choose at least one event." };
  const unknown = [...wanted].filter((e) => !isWebhookEvent(e));
  if (unknown.length > 0)
    return { problem: `Unknown event(s): ${unknown.join(", ")}. Known: ${WEBHOOK_EVENTS.join(", ")}.` };
  return { events: WEBHOOK_EVENTS.filter((e) => wanted.has(e)) };
}
