import { ConfigError, loadConfig } from "../../src/config/env";
import { bullConnection, QUEUE_NAMES, queuePrefix } from "../../src/queue/queues";

describe("reminder settings and queue connections", () => {
  it("defaults to 5 jobs at once and 36 hours ahead", () => {
    expect(loadConfig({}).reminders).toEqual({ concurrency: 5, lookaheadHours: 36 });
    expect(loadConfig({ REMINDER_CONCURRENCY: "12", REMINDER_LOOKAHEAD_HOURS: "72" }).reminders).toEqual({
      concurrency: 12,
      lookaheadHours: 72,
    });
  });

  it.each([
    ["REMINDER_CONCURRENCY", "0", /REMINDER_CONCURRENCY must be an integer from 1 to 100/],
    ["REMINDER_CONCURRENCY", "many", /REMINDER_CONCURRENCY/],
    ["REMINDER_LOOKAHEAD_HOURS", "169", /REMINDER_LOOKAHEAD_HOURS must be an integer from 1 to 168/],
  ])("refuses %s=%s", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("connects BullMQ with plain options: a worker waits Redis out, a producer fails fast", () => {
    expect(bullConnection("redis://:s%40cret@cache.example:6380/2", "worker")).toEqual({
      host: "cache.example",
      port: 6380,
      password: "s@cret",
      db: 2,
      connectTimeout: 5000,
      disconnectTimeout: 500,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    });
    expect(bullConnection("rediss://127.0.0.1", "producer")).toMatchObject({
      port: 6379,
      tls: {},
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
  });

  it("puts every queue under REDIS_PREFIX, with names BullMQ accepts", () => {
    expect(queuePrefix(loadConfig({ REDIS_PREFIX: "ntm-staging" }))).toBe("ntm-staging");
    for (const name of Object.values(QUEUE_NAMES)) expect(name).not.toContain(":");
  });
});
