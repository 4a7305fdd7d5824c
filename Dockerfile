# APR as a container: `docker build -t apr .`, then
#   docker run -d --init -p 6699:6699 --env-file .env -e REPORT_API_TOKENS=... apr
# (HOST is 0.0.0.0 inside, so REPORT_API_TOKENS is required: the service refuses to start
# without it.) The database is not in the image: point DATABASE_URL at MySQL/MariaDB.

# Build stage: every dependency, TypeScript compiled to dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies, the compiled code and the SQL; no compiler,
# no sources, no tests. Runs as the unprivileged `node` user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=6699 \
    LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY db ./db
COPY --from=build /app/dist ./dist
COPY src/page ./src/page
COPY scripts ./scripts
USER node
EXPOSE 6699
# node is PID 1 and handles SIGTERM itself (finish or roll back the window, close, exit 0);
# `docker run --init` (or init: true in compose) adds an init that also reaps zombies.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "dist/cli/healthcheck.js"]
CMD ["node", "dist/cli/start.js"]
