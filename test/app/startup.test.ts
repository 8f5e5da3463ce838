import { prepareDatabase, prepareRedis, StartupError } from "../../src/app/bootstrap";
import { loadConfig } from "../../src/config/env";
import { createLogger } from "../../src/shared/logger";

describe("start-up checks", () => {
  const logger = createLogger("silent");

  it("names MariaDB when it cannot be reached", async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const config = loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:1/ntm_unreachable" });
    await expect(prepareDatabase(config, logger)).rejects.toThrow(StartupError);
    await expect(prepareDatabase(config, logger)).rejects.toThrow(/Cannot reach MariaDB at 127\.0\.0\.1:1/);
  });

  it("names Redis when it cannot be reached", async () => {
    const config = loadConfig({ REDIS_URL: "redis://127.0.0.1:1" });
    await expect(prepareRedis(config)).rejects.toThrow(/Cannot reach Redis at 127\.0\.0\.1:1/);
  });

  it("passes when Redis answers", async () => {
    await expect(prepareRedis(loadConfig(process.env))).resolves.toBeUndefined();
  });
});
