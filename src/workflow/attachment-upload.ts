import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { TextDecoder } from "node:util";
import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { recordAudit } from "../audit/audit";
import { httpViewer, sendHttpError } from "../auth/http-request";
import type { Config } from "../config/env";
import { withTransaction } from "../db/transaction";
import type { Clock } from "../shared/clock";
import { createContext } from "../shared/context";
import { parseGlobalId, toGlobalId } from "../shared/ids";
import type { Logger } from "../shared/logger";
import { type AttachmentStore, FileTooLargeError, type StoredFile } from "./attachment-storage";
import { Attachment } from "./report.entity";
import { visibleAttachmentById } from "./workflow.loaders";

/**
 * Evidence files over plain HTTP, beside /graphql:
 *
 * - `POST /attachments`: the raw file as the body, its type in `Content-Type`, its name URL-encoded
 *   (UTF-8) in `X-File-Name`; answers 201 with the new attachment's global ID, which
 *   `submitReport(attachmentIds:)` then claims.
 * - `GET /attachments/<global ID>`: the file, to whoever can see the report it belongs to; 404,
 *   exactly as for a missing ID, to anyone else.
 *
 * Every refusal is JSON `{ errors: [{ message, extensions: { code } }] }` with a stable code.
 */

const MAGIC_LENGTH = 8;
const PDF = Buffer.from("%PDF", "latin1");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** The types accepted, each with how its content must begin ("utf8": valid UTF-8 text without NUL). */
export const ALLOWED_TYPES: Readonly<Record<string, Buffer | "utf8">> = {
  "application/pdf": PDF,
  "image/jpeg": JPEG,
  "image/png": PNG,
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ZIP,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ZIP,
  "application/msword": OLE,
  "application/vnd.ms-excel": OLE,
  "text/plain": "utf8",
};

const MAX_FILE_NAME = 255;
const ID_PATH_RE = /^\/attachments\/([A-Za-z0-9_-]{1,64})$/;

class ContentMismatchError extends Error {}
class EmptyFileError extends Error {}
class ClientAbortedError extends Error {}

/** Checks the content against its declared type as it streams by; fails the stream on a mismatch. */
class ContentInspector extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private checked = false;
  private total = 0;
  private readonly decoder: TextDecoder | null;

  constructor(private readonly expected: Buffer | "utf8") {
    super();
    this.decoder = expected === "utf8" ? new TextDecoder("utf-8", { fatal: true }) : null;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    if (this.decoder) {
      if (chunk.includes(0)) return done(new ContentMismatchError());
      try {
        this.decoder.decode(chunk, { stream: true });
      } catch {
        return done(new ContentMismatchError());
      }
      return done(null, chunk);
    }
    if (this.checked) return done(null, chunk);
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < MAGIC_LENGTH) return done();
    const head = this.takeHead();
    if (!this.matches(head)) return done(new ContentMismatchError());
    this.checked = true;
    done(null, head);
  }

  override _flush(done: TransformCallback): void {
    if (this.total === 0) return done(new EmptyFileError());
    if (this.decoder) {
      try {
        this.decoder.decode();
      } catch {
        return done(new ContentMismatchError());
      }
      return done();
    }
    if (!this.checked) {
      const head = this.takeHead();
      if (!this.matches(head)) return done(new ContentMismatchError());
      this.push(head);
    }
    done();
  }

  private takeHead(): Buffer {
    const head = Buffer.concat(this.head, this.headLength);
    this.head = [];
    return head;
  }

  private matches(head: Buffer): boolean {
    const magic = this.expected as Buffer;
    return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
  }
}

/** The bare media type of a Content-Type header, when it is one we accept; null otherwise. */
export function acceptedType(header: string | undefined): string | null {
  if (!header) return null;
  const [media, ...params] = header.split(";");
  const type = media.trim().toLowerCase();
  if (!Object.hasOwn(ALLOWED_TYPES, type)) return null;
  if (type === "text/plain") {
    for (const p of params) {
      const [k, v = ""] = p.split("=");
      const charset = v
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase();
      if (k.trim().toLowerCase() === "charset" && !["utf-8", "utf8", "us-ascii"].includes(charset))
        return null;
    }
  }
  return type;
}

/**
 * The file name from `X-File-Name`: URL-encoded UTF-8 (encodeURIComponent), stored in NFC.
 * 1–255 characters, no path separators, no control or invisible formatting characters.
 */
export function parseFileName(header: string | string[] | undefined): string | null {
  if (typeof header !== "string" || header.length === 0 || header.length > 4096) return null;
  if (!/^[\x20-\x7e]+$/.test(header)) return null;
  let name: string;
  try {
    name = decodeURIComponent(header).normalize("NFC");
  } catch {
    return null;
  }
  const length = [...name].length;
  if (length < 1 || length > MAX_FILE_NAME || name.trim() === "") return null;
  if (/[/\\]/.test(name) || /[\p{Cc}\p{Cf}]/u.test(name)) return null;
  if (/^\.+$/.test(name.trim())) return null;
  return name;
}

/** RFC 5987 / 8187 encoding for `filename*=UTF-8''…`. */
function encodeRfc8187(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface AttachmentHandlerDeps {
  config: Config;
  ds: DataSource;
  redis: Redis;
  logger: Logger;
  clock: Clock;
  store: AttachmentStore;
}

/** The request handler for /attachments and /attachments/<id>. Never rejects: failures become responses. */
export function createAttachmentHandler(deps: AttachmentHandlerDeps) {
  const { config, ds, logger, clock, store } = deps;
  const maxBytes = config.attachments.maxBytes;

  // Errors answer in the shared JSON shape; a body still arriving is not read (the connection
  // closes after the answer, rather than reading perhaps 100 MiB nobody wants).
  const fail = sendHttpError;
  const viewerOf = (req: IncomingMessage, res: ServerResponse, requestId: string) =>
    httpViewer({ ds, config, clock }, req, res, requestId);

  async function upload(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const viewer = await viewerOf(req, res, requestId);
    if (!viewer) return;
    const tooLarge = () =>
      fail(req, res, requestId, 413, "PAYLOAD_TOO_LARGE", `The file is larger than ${maxBytes} bytes`);
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge();
    const type = acceptedType(req.headers["content-type"]);
    if (type === null) {
      return fail(
        req,
        res,
        requestId,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        `Content-Type must be one of: ${Object.keys(ALLOWED_TYPES).join(", ")} (text/plain in UTF-8)`,
      );
    }
    const fileName = parseFileName(req.headers["x-file-name"]);
    if (fileName === null) {
      return fail(
        req,
        res,
        requestId,
        400,
        "BAD_REQUEST",
        "X-File-Name must be the file's name, URL-encoded UTF-8, 1 to 255 characters, without / or \\",
      );
    }

    const inspector = new ContentInspector(ALLOWED_TYPES[type]);
    const aborted = () => {
      if (!req.complete) inspector.destroy(new ClientAbortedError());
    };
    req.once("close", aborted);
    req.once("error", aborted);
    req.pipe(inspector);
    let stored: StoredFile;
    try {
      stored = await store.put(inspector, maxBytes);
    } catch (err) {
      if (err instanceof FileTooLargeError) return tooLarge();
      if (err instanceof ContentMismatchError) {
        return fail(req, res, requestId, 415, "UNSUPPORTED_MEDIA_TYPE", `The file's content is not ${type}`);
      }
      if (err instanceof EmptyFileError)
        return fail(req, res, requestId, 400, "BAD_REQUEST", "The file is empty");
      if (err instanceof ClientAbortedError) {
        res.destroy();
        return;
      }
      throw err;
    } finally {
      req.off("close", aborted);
      req.off("error", aborted);
    }

    let id: number;
    try {
      id = await withTransaction(ds, async (uow) => {
        const ins = await uow.manager.getRepository(Attachment).insert({
          reportId: null,
          fileName,
          contentType: type,
          sizeBytes: stored.size,
          sha256: stored.sha256,
          storageKey: stored.key,
          uploadedByUserId: viewer.userId,
          uploadedByOrgId: viewer.orgId,
        });
        const newId = Number(ins.identifiers[0].id);
        await recordAudit(
          uow.manager,
          { viewer, requestId, ip: req.socket.remoteAddress ?? null },
          {
            action: "attachment.upload",
            objectType: "Attachment",
            objectId: newId,
            scopePath: viewer.unitPath,
            after: { fileName, contentType: type, sizeBytes: stored.size, sha256: stored.sha256 },
          },
        );
        return newId;
      });
    } catch (err) {
      await store.remove(stored.key).catch(() => undefined);
      throw err;
    }
    const gid = toGlobalId("Attachment", id);
    res.writeHead(201, {
      "content-type": "application/json; charset=utf-8",
      location: `/attachments/${gid}`,
      "x-request-id": requestId,
    });
    res.end(
      JSON.stringify({ id: gid, sha256: stored.sha256, sizeBytes: stored.size, fileName, contentType: type }),
    );
  }

  async function download(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    gid: string,
  ): Promise<void> {
    const viewer = await viewerOf(req, res, requestId);
    if (!viewer) return;
    const notFound = () => fail(req, res, requestId, 404, "NOT_FOUND", "Attachment not found");
    const parsed = parseGlobalId(gid);
    if (!parsed || parsed.type !== "Attachment") return notFound();
    // The same scope as node(id:): the attachment of a report on a task the viewer can read.
    const ctx = createContext({
      ds,
      redis: deps.redis,
      config,
      clock,
      timeZone: config.timeZone,
      requestId,
      viewer,
      authorization: null,
      reminders: null,
      ip: req.socket.remoteAddress ?? null,
    });
    const row = await ctx.loaders.get(visibleAttachmentById).load(parsed.id);
    if (!row) return notFound();
    const { stream, size } = await store.open(row.storageKey);
    res.writeHead(200, {
      "content-type": row.contentType === "text/plain" ? "text/plain; charset=utf-8" : row.contentType,
      "content-length": String(size),
      "content-disposition": `attachment; filename*=UTF-8''${encodeRfc8187(row.fileName)}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "private, no-store",
      "x-request-id": requestId,
    });
    await pipeline(stream, res).catch((err: NodeJS.ErrnoException) => {
      // The client went away mid-download: nothing to answer, nothing to log.
      if (err.code !== "ERR_STREAM_PREMATURE_CLOSE") throw err;
    });
  }

  return async function handleAttachments(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    try {
      if (url.pathname === "/attachments") {
        if (req.method !== "POST")
          return fail(req, res, requestId, 405, "METHOD_NOT_ALLOWED", "Use POST to upload", {
            allow: "POST",
          });
        return await upload(req, res, requestId);
      }
      if (req.method !== "GET")
        return fail(req, res, requestId, 405, "METHOD_NOT_ALLOWED", "Use GET to download", { allow: "GET" });
      return await download(req, res, requestId, ID_PATH_RE.exec(url.pathname)?.[1] ?? "");
    } catch (err) {
      logger.error({ err, requestId }, "attachment request failed");
      fail(req, res, requestId, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
  };
}
