import { hashPassword, passwordProblem, verifyPassword } from "../../src/auth/password";

const nfc = (s: string) => s.normalize("NFC");
const nfd = (s: string) => s.normalize("NFD");

describe("passwordProblem", () => {
  // "Lúa chín" has 8 characters in NFC, more code points in NFD: length is counted after NFC.
  const elevenNfc = "Lúa chínvàn"; // 11 characters, 14 code points in NFD
  it("counts characters after NFC, whatever form the input is in", () => {
    expect([...nfc(elevenNfc)].length).toBe(11);
    expect([...nfd(elevenNfc)].length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    ["too short", "Ngắn quá 1", "Password must be at least 12 characters"],
    ["11 characters", "Abcdefghij1", "Password must be at least 12 characters"],
    [
      "11 characters in NFC given in NFD (12+ code points)",
      nfd(elevenNfc),
      "Password must be at least 12 characters",
    ],
    ["129 characters", "Tre xanh 1 ".repeat(11) + "abcdefgh", "Password must be at most 128 characters"],
    ["one repeated character", "aaaaaaaaaaaaaaa", "Password must not repeat one character"],
    [
      "one repeated Vietnamese character in NFD",
      nfd("ẫ".repeat(14)),
      "Password must not repeat one character",
    ],
    ["contains 'password'", "MyPassWord-is-long", "Password is too easy to guess"],
    ["is '123456789012'", "123456789012", "Password is too easy to guess"],
    ["contains 'matkhau'", "MatKhau-cua-toi-2022", "Password is too easy to guess"],
    ["contains 'nongthonmoi'", "NongThonMoi-Bac-Kan", "Password is too easy to guess"],
    ["contains 'backan2022'", "xin-chao-BacKan2022", "Password is too easy to guess"],
    ["contains 'qwertyuiopas'", "qwertyuiopasdf", "Password is too easy to guess"],
  ])("refuses: %s", (_name, password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  it("refuses a password containing the e-mail's name", () => {
    expect(passwordProblem("nguyenvanan-Bắc-Kạn", "NguyenVanAn@backan.gov.vn")).toBe(
      "Password must not contain the e-mail name",
    );
    expect(passwordProblem("Đồi chè xanh mướt", "nguyenvanan@backan.gov.vn")).toBeNull();
  });

  it.each([
    ["exactly 12 characters", "Abcdefghij12"],
    ["exactly 128 characters", "Tre xanh 1 ".repeat(11) + "abcdefg"],
    ["a Vietnamese phrase (NFC)", nfc("Ruộng bậc thang Bắc Kạn")],
    ["a Vietnamese phrase (NFD)", nfd("Ruộng bậc thang Bắc Kạn")],
    ["12 characters in NFC, many more code points in NFD", nfd("Mật khẩu đẹp")],
  ])("accepts %s", (_name, password) => {
    expect(passwordProblem(password)).toBeNull();
  });

  it("measures the table's lengths as it claims", () => {
    expect([...("Tre xanh 1 ".repeat(11) + "abcdefgh")].length).toBe(129);
    expect([...("Tre xanh 1 ".repeat(11) + "abcdefg")].length).toBe(128);
    expect([...nfc("Mật khẩu đẹp")].length).toBe(12);
  });
});

describe("hashPassword / verifyPassword", () => {
  const phrase = "Mật khẩu thử nghiệm: Bắc Kạn, xã Cẩm Giàng!";

  it("round-trips, and NFC and NFD input of the same password both verify", async () => {
    expect(nfc(phrase)).not.toBe(nfd(phrase));
    const fromNfc = await hashPassword(nfc(phrase));
    const fromNfd = await hashPassword(nfd(phrase));
    for (const stored of [fromNfc, fromNfd]) {
      expect(await verifyPassword(nfc(phrase), stored)).toBe(true);
      expect(await verifyPassword(nfd(phrase), stored)).toBe(true);
    }
  });

  it("refuses a different password, including one differing only in a diacritic", async () => {
    const stored = await hashPassword(phrase);
    expect(await verifyPassword(phrase.replace("Kạn", "Kan"), stored)).toBe(false);
    expect(await verifyPassword(phrase.replace("Mật", "Mât"), stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("stores scrypt$N$r$p$salt$key with a fresh salt each time, never the password", async () => {
    const a = await hashPassword(phrase);
    const b = await hashPassword(phrase);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(phrase);
  });

  it("refuses a stored value that is not an scrypt hash", async () => {
    for (const stored of ["", phrase, "bcrypt$2b$10$abc", "scrypt$32768$8$1$onlyfive"]) {
      expect(await verifyPassword(phrase, stored)).toBe(false);
    }
  });
});
