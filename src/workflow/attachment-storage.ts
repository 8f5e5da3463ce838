import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";

/** What the storage backend returns for a stored file. */
export interface StoredFile {
  /** Where the backend keeps it; opaque to everyone else (stored in attachment.storage_key). */
  key: string;
  /** SHA-256 of the content, lower-case hex. */
  sha256: string;
  size: number;
}

/**
 * Where evidence files live. The disk implementation is below; an S3-compatible one would keep
 * the same contract: `put` stores a stream whole or not at all, `open` streams it back.
 */
export interface AttachmentStore {
  /**
   * Stores the stream, hashing and counting it; rejects with FileTooLargeError past `maxBytes`,
   * or with the source's own error. Listens to `source` before returning.
   */
  put(source: Readable, maxBytes: number): Promise<StoredFile>;
  /** The stored file; rejects with StoredFileMissingError when the key holds nothing. */
  open(key: string): Promise<{ stream: Readable; size: number }>;
  /** Deletes a stored file (when the row that would have pointed at it was not written). */
  remove(key: string): Promise<void>;
}

export class FileTooLargeError extends Error {
  constructor(public readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = "FileTooLargeError";
  }
}

export class StoredFileMissingError extends Error {
  constructor(key: string) {
    super(`No stored file under key ${key}`);
    this.name = "StoredFileMissingError";
  }
}

/** Hashes and counts what passes through; fails the stream as soon as it passes `maxBytes`. */
class HashingCounter extends Transform {
  readonly hash = createHash("sha256");
  size = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return done(new FileTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    done(null, chunk);
  }
}

const KEY_RE = /^[0-9a-f]{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Files on a local disk under `dir`: written to `dir/tmp/<uuid>.part` while hashed and counted,
 * then renamed to `dir/<sha256[0..2]>/<uuid>` (same file system, so the rename is atomic). A
 * failed or oversized upload leaves nothing behind.
 */
export class DiskAttachmentStore implements AttachmentStore {
  constructor(private readonly dir: string) {}

  put(source: Readable, maxBytes: number): Promise<StoredFile> {
    // Everything up to the pipeline is synchronous: the source may already be flowing, and a
    // failure in its first chunk must find the pipeline's listeners in place.
    const id = randomUUID();
    const tmp = path.join(this.dir, "tmp", `${id}.part`);
    let out: WriteStream;
    try {
      mkdirSync(path.dirname(tmp), { recursive: true });
      out = createWriteStream(tmp, { flags: "wx", mode: 0o640 });
    } catch (err) {
      source.destroy();
      return Promise.reject(err);
    }
    const counter = new HashingCounter(maxBytes);
    const piping = pipeline(source, counter, out);
    return (async () => {
      try {
        await piping;
        const sha256 = counter.hash.digest("hex");
        const key = `${sha256.slice(0, 2)}/${id}`;
        await mkdir(path.join(this.dir, sha256.slice(0, 2)), { recursive: true });
        await rename(tmp, path.join(this.dir, key));
        return { key, sha256, size: counter.size };
      } catch (err) {
        // Only once the file is closed: an early failure may come before the file is even opened.
        if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
        await rm(tmp, { force: true });
        throw err;
      }
    })();
  }

  async open(key: string): Promise<{ stream: Readable; size: number }> {
    const file = this.pathOf(key);
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new StoredFileMissingError(key);
      return { stream: createReadStream(file), size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new StoredFileMissingError(key);
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Keys are only ever ours, but a key never leaves the directory whatever it holds. */
  private pathOf(key: string): string {
    if (!KEY_RE.test(key)) throw new StoredFileMissingError(key);
    return path.join(this.dir, key);
  }
}
