/**
 * Webhook deliveries end to end below the API: rows written by recordTaskEvent (what the workflow
 * commands call in their transaction), the real reminders worker running deliver-webhook jobs,
 * and a real receiver on 127.0.0.1 that verifies every signature with the subscription's secret.
 */
import type { Job } from "bullmq";
import {
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookSubscription,
} from "../../src/notifications/webhook.entity";
import { recordTaskEvent } from "../../src/notifications/webhook-events";
import { newWebhookSecret } from "../../src/notifications/webhook-post";
import { enqueueWebhookDeliveries } from "../../src/reminders/reminder-queue";
import { type ReminderService, startReminderService } from "../../src/reminders/reminder-worker";
import { withTransaction } from "../../src/db/transaction";
import { createTestDb, type TestDb } from "../helpers/db";
import { makeReminderWorld, reminderDeps, type ReminderWorld, waitFor } from "../reminders/world";
import { startReceiver } from "./receiver";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

const RETRY = { maxAttempts: 3, backoffMs: 50 };

describe("webhook deliveries (real worker, real receiver)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let service: ReminderService;
  const attemptsSeen: number[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    world = await makeReminderWorld(db.ds);
    service = await startReminderService(
      { ...reminderDeps(db.ds, "2023-01-30T00:30:00Z"), webhookRetry: RETRY },
      { config: db.config, concurrency: 2, reconcileEveryMs: 3_600_000 },
    );
    service.worker.on("failed", (job: Job | undefined) => {
      if (job?.name === "deliver-webhook") attemptsSeen.push(job.attemptsMade);
    });
  });

  afterAll(async () => {
    service.stopWatchdog();
    await service.queue.obliterate({ force: true });
    await service.close();
    await db.drop();
  });

  async function subscribe(url: string, secret: string, events: string): Promise<WebhookSubscription> {
    const repo = db.ds.getRepository(WebhookSubscription);
    await repo.update({ orgId: world.assignee.id }, { active: false }); // the earlier tests' receivers are gone
    const ins = await repo.insert({ orgId: world.assignee.id, url, secret, events, active: true });
    return repo.findOneByOrFail({ id: Number(ins.identifiers[0].id) });
  }

  const deliveryOf = (id: number) => db.ds.getRepository(WebhookDelivery).findOneByOrFail({ id });

  it("delivers an event once, signed, however often it is recorded", async () => {
    const secret = newWebhookSecret();
    const receiver = await startReceiver(secret, () => 200);
    try {
      const sub = await subscribe(receiver.url, secret, "assigned,approved");
      const a = await world.assignment("2023-02-10");
      const first = await withTransaction(db.ds, ({ manager }) =>
        recordTaskEvent(manager, { event: "assigned", assignmentIds: [a.id] }),
      );
      const again = await recordTaskEvent(db.ds.manager, { event: "assigned", assignmentIds: [a.id, a.id] });
      expect(again).toEqual(first);
      expect(first).toHaveLength(1);
      // Not followed: nothing written.
      expect(await recordTaskEvent(db.ds.manager, { event: "overdue", assignmentIds: [a.id] })).toEqual([]);
      await enqueueWebhookDeliveries(service.queue, first, RETRY);
      await enqueueWebhookDeliveries(service.queue, first, RETRY); // same job id: not added twice
      await waitFor("the delivery to succeed", async () =>
        (await deliveryOf(first[0])).status === WebhookDeliveryStatus.SUCCEEDED ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(1);
      const [r] = receiver.received;
      expect(r.signatureValid).toBe(true);
      expect(r.headers["x-ntm-event"]).toBe("assigned");
      expect(r.headers["x-ntm-delivery"]).toBe(String(first[0]));
      const body = JSON.parse(r.body);
      expect(body).toEqual({
        id: first[0],
        event: "assigned",
        occurredAt: expect.any(String),
        data: { assignmentId: a.id, taskId: a.taskId, orgId: world.assignee.id, status: a.status },
      });
      const row = await deliveryOf(first[0]);
      expect(row).toMatchObject({
        subscriptionId: sub.id,
        attempts: 1,
        lastStatusCode: 200,
        lastError: null,
      });
    } finally {
      await receiver.close();
    }
  });

  it("retries a failing receiver with backoff, marks it failed, and sends it again once retried", async () => {
    const secret = newWebhookSecret();
    let status = 500;
    const receiver = await startReceiver(secret, () => status);
    try {
      await subscribe(receiver.url, secret, "approved");
      const a = await world.assignment("2023-02-10");
      const [id] = await recordTaskEvent(db.ds.manager, { event: "approved", assignmentIds: [a.id] });
      await enqueueWebhookDeliveries(service.queue, [id], RETRY);
      await waitFor("the delivery to fail", async () =>
        (await deliveryOf(id)).status === WebhookDeliveryStatus.FAILED ? true : undefined,
      );
      expect(receiver.received).toHaveLength(RETRY.maxAttempts);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      expect(await deliveryOf(id)).toMatchObject({
        attempts: RETRY.maxAttempts,
        lastStatusCode: 500,
        lastError: "The receiver answered HTTP 500.",
        nextAttemptAt: null,
      });

      status = 204;
      await db.ds.getRepository(WebhookDelivery).update({ id }, { status: WebhookDeliveryStatus.PENDING });
      await enqueueWebhookDeliveries(service.queue, [id], { ...RETRY, retry: 1 });
      await waitFor("the retried delivery to succeed", async () =>
        (await deliveryOf(id)).status === WebhookDeliveryStatus.SUCCEEDED ? true : undefined,
      );
      expect(receiver.received).toHaveLength(RETRY.maxAttempts + 1);
      expect(await deliveryOf(id)).toMatchObject({ attempts: RETRY.maxAttempts + 1, lastStatusCode: 204 });
    } finally {
      await receiver.close();
    }
  });
});

describe("webhooks through the API (real server, worker and receiver)", () => {
  let app: TestApp;
  let service: ReminderService;
  let district: Organization;
  let commune: Organization;
  let districtToken: string;
  let coordinatorToken: string;
  let foreignToken: string;
  let task: { id: number; version: number };
  let reported: number;

  beforeAll(async () => {
    process.env.WEBHOOK_MAX_ATTEMPTS = "3";
    process.env.WEBHOOK_BACKOFF_MS = "50";
    app = await startTestApp({ now: new Date("2022-03-01T02:00:00Z") });
    delete process.env.WEBHOOK_MAX_ATTEMPTS;
    delete process.env.WEBHOOK_BACKOFF_MS;
    const ds = app.db.ds;
    const tree = await makeTree(ds, 2, 1, 0, "Móc");
    const office = await makeOrg(ds, { unit: tree.province, kind: OrganizationKind.COORDINATION_OFFICE });
    district = await makeOrg(ds, { unit: tree.districts[0] });
    commune = await makeOrg(ds, { unit: tree.communes[0][0] });
    const otherCommune = await makeOrg(ds, { unit: tree.communes[1][0] });
    const plan = await makePlan(ds, { scope: tree.province });
    const t = await makeTask(ds, { plan, lead: district, units: [tree.districts[0]], dueDate: "2022-12-31" });
    await makeAssignment(ds, { task: t, org: district, assigner: office, status: "in_progress" });
    task = { id: t.id, version: t.version };
    const t2 = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2022-12-31",
    });
    reported = (await makeAssignment(ds, { task: t2, org: district, assigner: office, status: "reported" }))
      .id;
    districtToken = await app.tokenFor(await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] }));
    coordinatorToken = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    foreignToken = await app.tokenFor(
      await makeUser(ds, { org: otherCommune, roles: [Role.COMMUNE_OFFICER] }),
    );
    service = await startReminderService(
      { ...reminderDeps(ds, "2022-03-01T02:00:00Z"), webhookRetry: { maxAttempts: 3, backoffMs: 50 } },
      { config: app.db.config, concurrency: 2, reconcileEveryMs: 3_600_000 },
    );
  });

  afterAll(async () => {
    service.stopWatchdog();
    await service.close();
    await app.close();
  });

  const CREATE = `mutation($i: CreateWebhookSubscriptionInput!) { r: createWebhookSubscription(input: $i) {
    subscription { id url events active organizationId } secret userErrors { code field } } }`;
  type CreateResult = {
    r: {
      subscription: { id: string; events: string[] } | null;
      secret: string | null;
      userErrors: Array<{ code: string; field: string[] }>;
    };
  };
  const subscriptionCount = async () =>
    Number((await app.db.ds.query("SELECT COUNT(*) n FROM webhook_subscription"))[0].n);

  it("refuses bad input and a foreign organization, writing nothing", async () => {
    const before = await subscriptionCount();
    const org = toGlobalId("Organization", district.id);
    for (const [i, field] of [
      [{ organizationId: org, url: "http://hooks.example.vn/x", events: ["assigned"] }, "url"],
      [{ organizationId: org, url: "not a url", events: ["assigned"] }, "url"],
      [{ organizationId: org, url: "https://hooks.example.vn/x", events: ["deleted"] }, "events"],
      [{ organizationId: org, url: "https://hooks.example.vn/x", events: [] }, "events"],
    ] as const) {
      const r = await app.gqlAs<CreateResult>(districtToken, CREATE, { i });
      expect(r.data!.r.userErrors).toEqual([{ code: "BAD_USER_INPUT", field: ["input", field] }]);
      expect(r.data!.r.secret).toBeNull();
    }
    const foreign = await app.gqlAs<CreateResult>(foreignToken, CREATE, {
      i: { organizationId: org, url: "https://hooks.example.vn/x", events: ["assigned"] },
    });
    expect(foreign.data!.r.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    const list = await app.gqlAs(
      foreignToken,
      `query($o: ID!) { webhookSubscriptions(organizationId: $o) { id } }`,
      {
        o: org,
      },
    );
    expect(list.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await subscriptionCount()).toBe(before);
  });

  it("sends 'assigned' after delegateTask and 'approved' after an approval, once each, signed", async () => {
    const created = await app.gqlAs<CreateResult>(districtToken, CREATE, {
      i: {
        organizationId: toGlobalId("Organization", district.id),
        url: "http://127.0.0.1:1/placeholder",
        events: ["approved", "assigned"],
      },
    });
    expect(created.data!.r.userErrors).toEqual([]);
    const secret = created.data!.r.secret!;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.data!.r.subscription!.events).toEqual(["assigned", "approved"]);
    const receiver = await startReceiver(secret, () => 200);
    try {
      const subId = Number(
        Buffer.from(created.data!.r.subscription!.id, "base64url").toString().split(":")[1],
      );
      await app.db.ds.getRepository(WebhookSubscription).update({ id: subId }, { url: receiver.url });
      const d = await app.gqlAs<{ delegateTask: { userErrors: unknown[] } }>(
        districtToken,
        `mutation($i: DelegateTaskInput!) { delegateTask(input: $i) { userErrors { code message } } }`,
        {
          i: {
            taskId: toGlobalId("Task", task.id),
            version: task.version,
            subtasks: [{ leadOrganizationId: toGlobalId("Organization", commune.id), dueDate: "2022-10-31" }],
          },
        },
      );
      expect(d.data!.delegateTask.userErrors).toEqual([]);
      const a = await app.gqlAs<{ transitionAssignment: { userErrors: unknown[] } }>(
        coordinatorToken,
        `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { userErrors { code message } } }`,
        { i: { assignmentId: toGlobalId("Assignment", reported), action: "APPROVE", version: 1 } },
      );
      expect(a.data!.transitionAssignment.userErrors).toEqual([]);
      await waitFor("both events", async () => (receiver.received.length >= 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received.map((r) => r.headers["x-ntm-event"]).sort()).toEqual(["approved", "assigned"]);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      const approved = receiver.received.find((r) => r.headers["x-ntm-event"] === "approved")!;
      expect(JSON.parse(approved.body).data).toMatchObject({ assignmentId: reported, status: "approved" });
      await app.db.ds.getRepository(WebhookSubscription).update({ id: subId }, { active: false });
    } finally {
      await receiver.close();
    }
  });

  it("lists a delivery that kept failing, and retryWebhookDelivery sends it again once", async () => {
    const created = await app.gqlAs<CreateResult>(districtToken, CREATE, {
      i: {
        organizationId: toGlobalId("Organization", district.id),
        url: "http://127.0.0.1:1/x",
        events: ["returned"],
      },
    });
    const secret = created.data!.r.secret!;
    let status = 500;
    const receiver = await startReceiver(secret, () => status);
    try {
      const subId = Number(
        Buffer.from(created.data!.r.subscription!.id, "base64url").toString().split(":")[1],
      );
      await app.db.ds.getRepository(WebhookSubscription).update({ id: subId }, { url: receiver.url });
      const t = await makeTask(app.db.ds, {
        plan: {
          id: (await app.db.ds.query("SELECT plan_id FROM task WHERE id = ?", [task.id]))[0].plan_id,
        } as never,
        lead: district,
        dueDate: "2022-12-31",
      });
      const office = (
        await app.db.ds.query("SELECT assigner_org_id FROM assignment WHERE id = ?", [reported])
      )[0].assigner_org_id;
      const as = await makeAssignment(app.db.ds, {
        task: t,
        org: district,
        assigner: { id: Number(office) } as never,
        status: "reported",
      });
      const back = await app.gqlAs<{ transitionAssignment: { userErrors: unknown[] } }>(
        coordinatorToken,
        `mutation($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { userErrors { code message } } }`,
        {
          i: {
            assignmentId: toGlobalId("Assignment", as.id),
            action: "SEND_BACK",
            version: 1,
            reason: "Thiếu minh chứng",
          },
        },
      );
      expect(back.data!.transitionAssignment.userErrors).toEqual([]);
      const FAILED = `{ failedWebhookDeliveries(first: 10) { totalCount edges { node { id event attempts lastStatusCode lastError status } } } }`;
      type Failed = {
        failedWebhookDeliveries: {
          totalCount: number;
          edges: Array<{
            node: { id: string; event: string; attempts: number; lastStatusCode: number; lastError: string };
          }>;
        };
      };
      const failed = await waitFor("the delivery to fail", async () => {
        const r = await app.gqlAs<Failed>(districtToken, FAILED);
        return r.data!.failedWebhookDeliveries.totalCount === 1 ? r.data!.failedWebhookDeliveries : undefined;
      });
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
      expect(failed.edges[0].node).toMatchObject({
        event: "returned",
        attempts: 3,
        lastStatusCode: 500,
        lastError: "The receiver answered HTTP 500.",
      });
      // Not listed to someone who does not manage the subscription.
      const theirs = await app.gqlAs<Failed>(foreignToken, FAILED);
      expect(theirs.data!.failedWebhookDeliveries.totalCount).toBe(0);

      status = 200;
      const retried = await app.gqlAs<{
        retryWebhookDelivery: { delivery: { status: string } | null; userErrors: unknown[] };
      }>(
        districtToken,
        `mutation($id: ID!) { retryWebhookDelivery(id: $id) { delivery { status } userErrors { code } } }`,
        { id: failed.edges[0].node.id },
      );
      expect(retried.data!.retryWebhookDelivery).toEqual({ delivery: { status: "pending" }, userErrors: [] });
      await waitFor("the retry", async () => (receiver.received.length >= 4 ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(4);
      const after = await app.gqlAs<Failed>(districtToken, FAILED);
      expect(after.data!.failedWebhookDeliveries.totalCount).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});
