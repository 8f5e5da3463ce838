/**
 * A real SMTP server (smtp-server) on a free port of 127.0.0.1 that keeps what it receives, and
 * just enough MIME parsing to read what nodemailer writes (RFC 2047 headers, multipart/alternative).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { loadConfig } from "../../src/config/env";
import { createMailer, type Mailer } from "../../src/notifications/email";

export interface Received {
  to: string[];
  raw: string;
}

export interface SmtpCapture {
  received: Received[];
  mailer: Mailer;
  /** Messages to `address`, parsed. */
  to(address: string): ParsedMessage[];
  close(): Promise<void>;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
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
  const mailer = createMailer(
    loadConfig({ ...process.env, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "" }).mail,
  )!;
  return {
    received,
    mailer,
    to: (address) => received.filter((m) => m.to.includes(address)).map((m) => parseMessage(m.raw)),
    async close() {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ParsedMessage {
  headers: Record<string, string>;
  text: string;
  html: string;
}

export function parseMessage(raw: string): ParsedMessage {
  const { headers, body } = splitPart(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  if (!boundary) throw new Error("not multipart");
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => splitPart(p.replace(/^\r\n/, "")));
  const partOf = (type: string) => {
    const part = parts.find((x) => (x.headers["content-type"] ?? "").startsWith(type));
    if (!part) throw new Error(`no ${type} part`);
    return decodeBody(part.body, part.headers["content-transfer-encoding"] ?? "7bit");
  };
  return { headers, text: partOf("text/plain"), html: partOf("text/html") };
}

function splitPart(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(at + 4) };
}

function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, "?==?").replace(/((?:=\?utf-8\?[bq]\?[^?]*\?=)+)/gi, (run) => {
    const bytes: Buffer[] = [];
    for (const [, enc, data] of run.matchAll(/=\?utf-8\?([bq])\?([^?]*)\?=/gi))
      bytes.push(enc.toLowerCase() === "b" ? Buffer.from(data, "base64") : qpBytes(data.replace(/_/g, " ")));
    return Buffer.concat(bytes).toString("utf8");
  });
}

function qpBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "=" && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(s[i], "latin1"));
  }
  return Buffer.from(out);
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable")
    return qpBytes(body.replace(/=\r\n/g, "")).toString("utf8").replace(/\r\n/g, "\n");
  return body.replace(/\r\n/g, "\n");
}
