# syntax=docker/dockerfile:1
# SpendSense API image. Build: docker build -t spendsense .
# Run:   docker run -p 8000:8000 -e DATABASE_URL=postgres://… -e JWT_SECRET=… spendsense
#
# The base is a floating tag on purpose: node:24-bookworm-slim follows Node 24 LTS patch and
# Debian security releases. Pin a digest (FROM node:24-bookworm-slim@sha256:…) only together
# with a bot that bumps it, or the image silently stops receiving security fixes.

############################
# build: compile TypeScript (the server, and the typed client the package exports)
############################
FROM node:24-bookworm-slim AS build
WORKDIR /app
# No usage data from Redocly CLI if anything runs it; npm's notices are noise in build logs.
ENV REDOCLY_TELEMETRY=off \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Dependencies first, so source edits do not invalidate the install layer.
# npm ci honours package.json "allowScripts" (npm 11): only the approved install scripts run.
COPY package.json package-lock.json ./
RUN --mount=type=cache,id=npm,target=/root/.npm,sharing=locked \
    npm ci

COPY tsconfig.json tsconfig.build.json tsconfig.client.json redocly.yaml ./
COPY openapi ./openapi
COPY src ./src
# tsc -p tsconfig.build.json (src/ -> dist/) and tsconfig.client.json (dist/client)
RUN npm run build

############################
# runtime: production dependencies + compiled output only
############################
FROM node:24-bookworm-slim AS runtime

ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="spendsense" \
      org.opencontainers.image.description="SpendSense: a contract-first personal-finance REST API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"

ENV NODE_ENV=production \
    PORT=8000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# --ignore-scripts is safe here: no runtime dependency needs an install script
# (@node-rs/argon2 ships prebuilt binaries as per-platform optionalDependencies, which npm
# picks for the build platform). The only runtime package with a script is @scarf/scarf,
# install-time analytics that package.json already denies.
COPY package.json package-lock.json ./
RUN --mount=type=cache,id=npm,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts

# Everything stays owned by root: the node user can read it but not change it.
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/generated/openapi.json /app/src/generated/openapi.yaml ./src/generated/
# Migrations are plain files the build does not touch: take them straight from the context.
COPY sql ./sql
# /reference serves Redoc from this vendored copy (no CDN): the server refuses to start without it.
COPY vendor ./vendor

USER node
EXPOSE 8000

# Slim images have no curl: use Node's global fetch. /healthz = the process is alive
# (readiness, i.e. the database, is /readyz and is for load balancers, not restarts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8000}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

STOPSIGNAL SIGTERM
# Exec form: node is PID 1 and receives SIGTERM itself (the app shuts down gracefully).
CMD ["node", "dist/server.js"]
