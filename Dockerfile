# rundschau: the production image. Build:  docker build -t rundschau .
# Run (one machine, SQLite in the volume):  docker run -p 8080:8080 -v rundschau-data:/data rundschau
# Many machines: deploy/compose.yaml (PostgreSQL, workers, web replicas behind Caddy); see docs/DEPLOY.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: dependencies (better-sqlite3 is native) and the esbuild bundle in dist/
FROM ${NODE_IMAGE} AS build
# Compilers only for better-sqlite3 when no prebuilt binary matches; they stay in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off for this step: "prepare" builds dist/ and needs the sources, copied below. Native modules are built next.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild
COPY bin/ bin/
COPY scripts/build.mjs scripts/build.mjs
COPY src/ src/
COPY views/ views/
COPY migrations/ migrations/
COPY rundschau.yaml rundschau.schema.json ./
RUN node scripts/build.mjs \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: the bundle, production dependencies, migrations and web assets; no compilers, no TypeScript sources
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATABASE_URL=/data/rundschau.db \
    RUNDSCHAU_CONFIG=/data/rundschau.yaml \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/bin/ bin/
COPY --from=build /app/dist/ dist/
COPY --from=build /app/migrations/ migrations/
COPY --from=build /app/src/web/assets/ src/web/assets/
COPY --from=build /app/rundschau.yaml /app/rundschau.schema.json ./
COPY deploy/docker-entrypoint.sh /usr/local/bin/rundschau-entrypoint
# The node image's unprivileged user owns only the data volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["rundschau-entrypoint"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
