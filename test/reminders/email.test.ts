/**
 * The e-mail channel of reminders against a real SMTP server (smtp-server, on a free port of
 * 127.0.0.1) and the real MariaDB: one e-mail per recipient however often the job runs, and a
 * refusing server makes the job throw so that BullMQ retries it, the retry sending it once.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { ConfigError, loadConfig } from "../../src/config/env";
import { createMailer, type Mailer } from "../../src/notifications/email";
import { handleSendReminder, type SendReminderPayload } from "../../src/reminders/jobs/send-reminder.job";
import { renderReminderEmail } from "../../src/reminders/render";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { createTestDb, type TestDb } from "../helpers/db";
import { parseMessage } from "./smtp-capture";
import { deliveriesByUser, makeReminderWorld, reminderDeps, type ReminderWorld } from "./world";

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** due_today of a task due Tuesday 31/01/2023 goes out at 08:00 local that day. */
const DUE = "2023-01-31";
const FIRE_AT = "2023-01-31T01:00:00.000Z";

describe("reminders by e-mail (SMTP server in the test, MariaDB)", () => {
  let db: TestDb;
  let world: ReminderWorld;
  let server: SMTPServer;
  let mailer: Mailer;
  const received: Received[] = [];
  let refuse = false;

  beforeAll(async () => {
    db = await createTestDb();
    await seedCalendar(db.ds);
    world = await makeReminderWorld(db.ds);
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (refuse) {
            callback(Object.assign(new Error("Hộp thư tạm thời không nhận thư"), { responseCode: 451 }));
            return;
          }
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.server.address() as AddressInfo;
    const config = loadConfig({ ...process.env, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "" });
    mailer = createMailer(config.mail)!;
  });

  afterAll(async () => {
    mailer?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await db.drop();
  });

  const send = (p: SendReminderPayload, withMailer = true) =>
    handleSendReminder(
      { ...reminderDeps(db.ds, FIRE_AT), mailer: withMailer ? mailer : null },
      p,
      new Date(FIRE_AT),
    );

  async function emailRows(assignmentId: number): Promise<number[]> {
    const rows: Array<{ recipient_user_id: number }> = await db.ds.query(
      "SELECT recipient_user_id FROM reminder_delivery WHERE assignment_id = ? AND channel = 'email' ORDER BY recipient_user_id",
      [assignmentId],
    );
    return rows.map((r) => Number(r.recipient_user_id));
  }

  /** The in-app recipients of `assignmentId` and their addresses, ascending by id. */
  async function inAppRecipients(assignmentId: number): Promise<Array<{ id: number; email: string }>> {
    const ids = Object.keys(await deliveriesByUser(db.ds, assignmentId)).map(Number);
    const rows: Array<{ id: number; email: string }> = await db.ds.query(
      `SELECT id, email FROM app_user WHERE id IN (${ids.map(() => "?").join(",")}) ORDER BY id`,
      ids,
    );
    return rows.map((r) => ({ id: Number(r.id), email: r.email }));
  }

  const messagesTo = (address: string) => received.filter((m) => m.to.includes(address));

  it("reads SMTP_URL and MAIL_FROM: empty turns e-mail off, a wrong URL is refused", () => {
    expect(loadConfig({}).mail).toEqual({
      smtpUrl: null,
      from: '"Văn phòng Điều phối NTM" <no-reply@ntm.backan.gov.vn>',
    });
    expect(createMailer(loadConfig({}).mail)).toBeNull();
    expect(loadConfig({ SMTP_URL: "smtp://u:p@mail.example:587", MAIL_FROM: "a@b.vn" }).mail).toEqual({
      smtpUrl: "smtp://u:p@mail.example:587",
      from: "a@b.vn",
    });
    expect(() => loadConfig({ SMTP_URL: "http://u:secret@mail.example" })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: "http://u:secret@mail.example" })).toThrow(/SMTP_URL must look like/);
    expect(() => loadConfig({ SMTP_URL: "http://u:secret@mail.example" })).not.toThrow(/secret/);
  });

  it("renders the HTML part escaped", () => {
    const e = renderReminderEmail({ title: "Hạn <b>\"A\" & 'B'</b>", body: "x < y & z" });
    expect(e.subject).toBe("Hạn <b>\"A\" & 'B'</b>");
    expect(e.html).toContain("<title>Hạn &lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;</title>");
    expect(e.html).toContain("<p>x &lt; y &amp; z</p>");
    expect(e.text).toMatch(/^x < y & z\n/);
  });

  it("e-mails a due reminder once to each recipient, in Vietnamese, plain and HTML; 20 more runs send nothing", async () => {
    const a = await world.assignment(DUE);
    const p: SendReminderPayload = { assignmentId: a.id, kind: "due_today", dueDate: DUE };
    const before = received.length;
    expect(await send(p)).toMatchObject({ status: "delivered" });

    const recipients = await inAppRecipients(a.id);
    expect(recipients.map((r) => r.id).sort()).toEqual(world.assigneeOfficers.map((u) => u.id).sort());
    expect(received.length - before).toBe(recipients.length);
    expect(await emailRows(a.id)).toEqual(recipients.map((r) => r.id));

    for (const r of recipients) {
      const mine = messagesTo(r.email);
      expect(mine).toHaveLength(1);
      const m = parseMessage(mine[0].raw);
      expect(mine[0].to).toEqual([r.email]);
      expect(mine[0].from).toBe("no-reply@ntm.backan.gov.vn");
      // Headers travel as ASCII, the Vietnamese in RFC 2047 encoded words.
      // eslint-disable-next-line no-control-regex
      expect(mine[0].raw.slice(0, mine[0].raw.indexOf("\r\n\r\n"))).toMatch(/^[\x00-\x7f]*$/);
      expect(mine[0].raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
      expect(m.headers.from).toBe("Văn phòng Điều phối NTM <no-reply@ntm.backan.gov.vn>");
      expect(m.headers.to).toBe(r.email);
      expect(m.headers.subject).toBe("Đến hạn hôm nay: Cứng hóa đường trục thôn");
      expect(m.text).toMatch(
        /^Nhắc việc: hôm nay \(31\/01\/2023\) là hạn hoàn thành nhiệm vụ «Cứng hóa đường trục thôn» \(mã [^)]+\) giao cho .+\. Đề nghị đơn vị hoàn thành và báo cáo kết quả trong ngày\./,
      );
      expect(m.html).toContain(
        "<p>Nhắc việc: hôm nay (31/01/2023) là hạn hoàn thành nhiệm vụ «Cứng hóa đường trục thôn»",
      );
      expect(m.html).toContain('<html lang="vi">');
    }

    for (let i = 0; i < 20; i++)
      expect(await send(p)).toMatchObject({ status: "delivered", newlyNotified: 0 });
    expect(received.length - before).toBe(recipients.length);
    expect(await emailRows(a.id)).toEqual(recipients.map((r) => r.id));
  });

  it("sends once when the same job runs five times at once", async () => {
    const a = await world.assignment(DUE);
    const p: SendReminderPayload = { assignmentId: a.id, kind: "due_today", dueDate: DUE };
    const before = received.length;
    await Promise.all([1, 2, 3, 4, 5].map(() => send(p)));
    const recipients = await inAppRecipients(a.id);
    expect(received.length - before).toBe(recipients.length);
    for (const r of recipients)
      expect(received.slice(before).filter((m) => m.to.includes(r.email))).toHaveLength(1);
  });

  it("throws while the SMTP server refuses, so BullMQ retries; the retry then delivers once", async () => {
    const a = await world.assignment(DUE);
    const p: SendReminderPayload = { assignmentId: a.id, kind: "due_today", dueDate: DUE };
    const before = received.length;
    refuse = true;
    try {
      await expect(send(p)).rejects.toThrow(/451/);
      await expect(send(p)).rejects.toThrow(/451/);
    } finally {
      refuse = false;
    }
    expect(received.length).toBe(before);
    expect(await emailRows(a.id)).toEqual([]); // no claim left behind
    const recipients = await inAppRecipients(a.id);
    expect(recipients).toHaveLength(2); // in the app regardless, and only once

    expect(await send(p)).toMatchObject({ status: "delivered", newlyNotified: 0 });
    expect(received.length - before).toBe(recipients.length);
    for (const r of recipients)
      expect(messagesTo(r.email).filter((m) => received.indexOf(m) >= before)).toHaveLength(1);
    expect(await send(p)).toMatchObject({ status: "delivered" });
    expect(received.length - before).toBe(recipients.length);
  });

  it("sends no e-mail without SMTP_URL", async () => {
    const a = await world.assignment(DUE);
    const before = received.length;
    expect(await send({ assignmentId: a.id, kind: "due_today", dueDate: DUE }, false)).toMatchObject({
      status: "delivered",
    });
    expect(received.length).toBe(before);
    expect(await emailRows(a.id)).toEqual([]);
  });
});
