import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs on stdout (or `destination`, which tests use to read the lines). Every
 * API request writes one line (src/app/request-log.ts); every job one line through a child logger
 * carrying the job id, name and the request ID `rid` of the request that enqueued it.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: "ntm-plan-api" }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
