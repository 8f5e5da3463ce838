import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** scrypt, memory-hard: N=2^15, r=8, p=1 (32 MiB), as OWASP's password storage sheet suggests. */
const N = 32768;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: MAXMEM };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFC"), salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], "base64");
  const expected = Buffer.from(parts[5], "base64");
  const key = await scrypt(password, salt, n, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing anyone can type, verified for unknown e-mails so timing does not reveal them. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString("hex"));
  return dummy;
}

/**
 * Password rules (NIST SP 800-63B): at least 12 characters, at most 128, not only one repeated
 * character, and not one of the obvious choices. Returns the problem, or null when acceptable.
 */
export function passwordProblem(password: string, email?: string): string | null {
  const pw = password.normalize("NFC");
  if ([...pw].length < 12) return "Password must be at least 12 characters";
  if ([...pw].length > 128) return "Password must be at most 128 characters";
  if (/^(.)\1+$/su.test(pw)) return "Password must not repeat one character";
  const lower = pw.toLowerCase();
  const common = ["password", "123456789012", "qwertyuiopas", "matkhau", "backan2022", "nongthonmoi"];
  if (common.some((c) => lower.includes(c))) return "Password is too easy to guess";
  const name = email?.split("@")[0].toLowerCase() ?? "";
  if (name.length >= 4 && lower.includes(name)) return "Password must not contain the e-mail name";
  return null;
}
