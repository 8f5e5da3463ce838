import { sendHostile } from "../../scripts/drills/hostile";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * The hostile-input drill, short version (npm run drills sends 10,000 to a separate API process):
 * every kind of malformed or hostile operation, and nothing internal reaches a client; the server
 * still answers afterwards.
 */
describe("drill: malformed and hostile operations", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ production: true });
  });
  afterAll(async () => {
    await app.close();
  });

  it("answers every one without a stack, SQL or driver message, and stays up", async () => {
    const report = await sendHostile({
      baseUrl: app.url,
      token: await app.tokenFor(app.admin),
      count: 480,
      seed: 11,
    });
    expect(report.sent).toBe(480);
    expect(report.leaks).toEqual([]);
    expect(report.serverErrors).toEqual([]);
    expect(report.noAnswer).toEqual([]);
    const after = await app.gql<{ me: { roles: string[] } }>("{ me { roles } }");
    expect(after.errors).toBeUndefined();
    expect(after.data?.me.roles).toContain("SYSTEM_ADMIN");
  });
});
