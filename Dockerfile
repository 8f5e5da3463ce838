# syntax=docker/dockerfile:1
# The API image; the worker runs from the same image with another command (see docker-compose.yml).

# --- build: compile TypeScript to dist/ --------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependency install scripts stay off, as package.json's allowScripts says (they all have prebuilt
# packages); --ignore-scripts keeps that true with the npm 10 this image ships.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build

# --- runtime: production dependencies and the compiled code only -------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The code and dependencies stay owned by root: the service only reads them. Evidence files are
# written to a volume mounted here (docker-compose.yml).
RUN mkdir -p /var/lib/ntm/attachments && chown node:node /var/lib/ntm/attachments
USER node
EXPOSE 4000
# Readiness of the API: MariaDB and Redis answer and every migration is applied (the worker's
# container overrides this with its own /health on WORKER_METRICS_PORT, docker-compose.yml).
# The image has no curl; Node 20's fetch does the job.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# SIGTERM drains in-flight requests (SHUTDOWN_TIMEOUT_MS) before the process exits; node runs as
# PID 1 here and handles the signal itself.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/index.js"]
