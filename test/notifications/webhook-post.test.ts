import { startReceiver } from "./receiver";
import { newWebhookSecret, postWebhook, signWebhookBody } from "../../src/notifications/webhook-post";

describe("postWebhook", () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ id: 7, event: "assigned", occurredAt: "2026-01-01T00:00:00.000Z", data: {} });

  it("POSTs the body signed with the secret, with the event and delivery headers", async () => {
    const receiver = await startReceiver(secret, () => 204);
    try {
      const result = await postWebhook({ url: receiver.url, secret, deliveryId: 7, event: "assigned", body });
      expect(result).toEqual({ ok: true, statusCode: 204 });
      expect(receiver.received).toHaveLength(1);
      const [r] = receiver.received;
      expect(r.signatureValid).toBe(true);
      expect(r.body).toBe(body);
      expect(r.headers["x-ntm-event"]).toBe("assigned");
      expect(r.headers["x-ntm-delivery"]).toBe("7");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["x-ntm-signature"]).toBe(signWebhookBody(secret, body));
    } finally {
      await receiver.close();
    }
  });

  it("reports a non-2xx answer without the receiver's body", async () => {
    const receiver = await startReceiver(secret, () => 500);
    try {
      const result = await postWebhook({ url: receiver.url, secret, deliveryId: 8, event: "approved", body });
      expect(result).toEqual({ ok: false, statusCode: 500, error: "The receiver answered HTTP 500." });
    } finally {
      await receiver.close();
    }
  });

  it("gives up after the timeout", async () => {
    const receiver = await startReceiver(secret, () => 200, 1000);
    try {
      const result = await postWebhook(
        { url: receiver.url, secret, deliveryId: 9, event: "overdue", body },
        100,
      );
      expect(result).toEqual({ ok: false, statusCode: null, error: "No answer within 100 ms." });
    } finally {
      await receiver.close();
    }
  });

  it("reports a receiver that is not there", async () => {
    const receiver = await startReceiver(secret, () => 200);
    const { url } = receiver;
    await receiver.close();
    const result = await postWebhook({ url, secret, deliveryId: 10, event: "assigned", body });
    expect(result).toEqual({ ok: false, statusCode: null, error: "Could not connect to the receiver." });
  });
});
