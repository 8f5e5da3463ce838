/** @type {import('jest').Config} */
const fs = require("node:fs");
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, "utf8"));
delete swc.$schema;

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.(t|j)s$": ["@swc/jest", swc] },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  setupFiles: ["<rootDir>/test/helpers/setup-env.ts"],
  // Generous: several suites start private MariaDB/Redis servers and worker processes.
  testTimeout: 90000,
  maxWorkers: 2,
};
