/**
 * The e-mail channel: one nodemailer SMTP transport built from SMTP_URL. It knows nothing of
 * reminders; callers hand it a rendered message (reminders/render.ts renders the Vietnamese text).
 */
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";

export interface MailMessage {
  /** One recipient address. */
  to: string;
  subject: string;
  /** Plain-text body. */
  text: string;
  /** The same body as HTML, already escaped. */
  html: string;
  /**
   * What makes this message unique (letters, digits, '.', '-', '_'): its Message-ID becomes
   * `<idKey@domain of MAIL_FROM>`, the same every time it is sent, so a mail server or client that
   * drops a repeated Message-ID drops the one repeat a crash can cause (deliver-email.ts).
   */
  idKey?: string;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; throws when it did not. */
  sendMail(m: MailMessage): Promise<void>;
  close(): void;
}

export interface MailSettings {
  /** smtp:// or smtps:// URL; null turns the channel off. */
  smtpUrl: string | null;
  /** The From header. */
  from: string;
}

/** Timeouts short enough that a stuck server fails the job (BullMQ retries it) instead of hanging it. */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/** The domain of a From header (`"Name" <a@b.vn>` or `a@b.vn`); "localhost" when it has none. */
export function fromDomain(from: string): string {
  const address = /<([^>]*)>/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf("@") + 1).trim();
  return /^[A-Za-z0-9.-]+$/.test(domain) ? domain : "localhost";
}

/** The Message-ID of a message keyed `idKey`. */
export function messageIdOf(idKey: string, from: string): string {
  return `<${idKey.replace(/[^A-Za-z0-9._-]/g, "_")}@${fromDomain(from)}>`;
}

/**
 * A mailer for `settings`, or null when no SMTP server is configured. nodemailer is loaded and its
 * transport built on the first message, so a process that never sends mail (the API serving
 * requests) does not carry it (README, "Memory").
 */
export function createMailer(settings: MailSettings): Mailer | null {
  const url = settings.smtpUrl;
  if (!url) return null;
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | null = null;
  const open = () =>
    (transport ??= import("nodemailer").then((m) => m.default.createTransport({ url, ...TIMEOUTS })));
  return {
    async sendMail(m) {
      const info = await (
        await open()
      ).sendMail({
        from: settings.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        ...(m.idKey ? { messageId: messageIdOf(m.idKey, settings.from) } : {}),
      });
      // nodemailer resolves when at least one recipient was accepted; ours is the only one.
      if (info.rejected.length > 0) throw new Error(`SMTP server rejected the recipient`);
    },
    close() {
      void transport?.then((t) => t.close());
    },
  };
}
