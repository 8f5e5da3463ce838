import { inflateRawSync } from "node:zlib";

/**
 * Checks an uploaded .xlsx (a zip of XML parts) before any spreadsheet library opens it, so a
 * hostile file is refused with a reason instead of eating the server's memory or CPU:
 *
 * - it must be a plain zip (no zip64, no encryption, stored or deflated entries only) holding a
 *   workbook part;
 * - entries and total uncompressed size are bounded, and every entry is actually inflated with a
 *   cap at its declared size, so a zip bomb that lies about its sizes is caught too;
 * - defined names (print areas, named ranges) may not span more than a bounded number of cells:
 *   exceljs expands each such range cell by cell when it loads the workbook.
 *
 * Returns the inflated parts (name → bytes) for checks that need the XML.
 */

export class XlsxRefused extends Error {
  constructor(
    public readonly code: "NOT_XLSX" | "WORKBOOK_TOO_LARGE" | "UNSUPPORTED_WORKBOOK",
    message: string,
  ) {
    super(message);
  }
}

export interface XlsxLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  maxDefinedNameCells: number;
}

export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  maxEntries: 500,
  maxUncompressedBytes: 24 * 1024 * 1024,
  maxDefinedNameCells: 200_000,
};

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function looksLikeZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.subarray(0, 4).equals(ZIP_MAGIC);
}

export function looksLikeOldExcel(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(OLE_MAGIC);
}

const notXlsx = (why: string) => new XlsxRefused("NOT_XLSX", `The file is not an .xlsx workbook (${why})`);

function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  return -1;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Cells covered by a defined name's value ("Sheet!$A$1:$C$9,Sheet!$E$1"); Infinity for whole rows/columns. */
export function definedNameCells(value: string): number {
  let total = 0;
  for (const part of value.split(",")) {
    const ref = part
      .slice(part.lastIndexOf("!") + 1)
      .replace(/\$/g, "")
      .trim();
    if (/^[A-Z]{1,3}:[A-Z]{1,3}$/i.test(ref) || /^\d+:\d+$/.test(ref)) return Infinity;
    const m = /^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$/i.exec(ref);
    if (!m) continue; // a constant or a formula: exceljs keeps no cells for it
    const [c1, r1] = [columnNumber(m[1].toUpperCase()), Number(m[2])];
    const [c2, r2] = m[3] ? [columnNumber(m[3].toUpperCase()), Number(m[4])] : [c1, r1];
    total += (Math.abs(c2 - c1) + 1) * (Math.abs(r2 - r1) + 1);
  }
  return total;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

export function guardXlsx(buf: Buffer, limits: XlsxLimits = DEFAULT_XLSX_LIMITS): Map<string, Buffer> {
  if (!looksLikeZip(buf)) throw notXlsx("it does not start like a zip archive");
  const eocd = findEocd(buf);
  if (eocd < 0) throw notXlsx("no zip directory");
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new XlsxRefused("UNSUPPORTED_WORKBOOK", "Zip64 workbooks are not accepted");
  if (count > limits.maxEntries)
    throw new XlsxRefused("WORKBOOK_TOO_LARGE", `The workbook has more than ${limits.maxEntries} parts`);
  if (cdOffset + cdSize > eocd) throw notXlsx("a damaged zip directory");

  const parts = new Map<string, Buffer>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw notXlsx("a damaged zip directory");
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x1) throw new XlsxRefused("UNSUPPORTED_WORKBOOK", "Encrypted workbooks are not accepted");
    if (method !== 0 && method !== 8)
      throw new XlsxRefused("UNSUPPORTED_WORKBOOK", "The workbook uses an unsupported compression");
    total += size;
    if (total > limits.maxUncompressedBytes) {
      throw new XlsxRefused(
        "WORKBOOK_TOO_LARGE",
        `The workbook expands to more than ${limits.maxUncompressedBytes} bytes`,
      );
    }
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL)
      throw notXlsx("a damaged zip entry");
    const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (start + compressed > buf.length) throw notXlsx("a truncated zip entry");
    const raw = buf.subarray(start, start + compressed);
    if (name.endsWith("/")) continue;
    let data: Buffer;
    if (method === 0) {
      data = raw;
    } else {
      try {
        // One byte over the declared size is enough to catch a lie.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size + 1) });
      } catch (err) {
        // By code, not instanceof: the error comes from Node's own realm.
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
          throw new XlsxRefused(
            "WORKBOOK_TOO_LARGE",
            "A part of the workbook expands beyond its declared size",
          );
        throw notXlsx("a damaged zip entry");
      }
    }
    if (data.length !== size) throw notXlsx("a zip entry whose size does not match its directory");
    parts.set(name, data);
  }
  if (!parts.has("[Content_Types].xml") || !parts.has("xl/workbook.xml"))
    throw notXlsx("no workbook part: is it a Word or other Office file?");

  const workbookXml = parts.get("xl/workbook.xml")!.toString("utf8");
  let cells = 0;
  for (const m of workbookXml.matchAll(/<(?:\w+:)?definedName\b[^>]*>([^<]*)</g)) {
    cells += definedNameCells(unescapeXml(m[1]));
    if (cells > limits.maxDefinedNameCells) {
      throw new XlsxRefused(
        "WORKBOOK_TOO_LARGE",
        "The workbook's named ranges or print areas cover too many cells; remove them and try again",
      );
    }
  }
  return parts;
}
