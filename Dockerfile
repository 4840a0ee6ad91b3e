# XAT server: `docker build -t xat .`, then `docker run -p 8000:8000 -e SECRET_KEY=... -v xat:/data xat`
# (PGlite in /data), or docker-compose.yml for PostgreSQL. Never built here: these machines have no Docker engine;
# each RUN was run by hand in a temporary directory (see the commit that wrote this file).
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency (dev ones included: esbuild, vite), then the server bundle, the dashboard, the agent.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The manifests alone first, so a change to the sources reuses the installed dependencies.
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/pcc/package.json apps/pcc/
COPY apps/dashboard/package.json apps/dashboard/
COPY packages/contracts/package.json packages/contracts/
COPY packages/procfs/package.json packages/procfs/
COPY packages/stats/package.json packages/stats/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. The server's production dependencies only (and those of the workspace packages it bundles).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/pcc/package.json apps/pcc/
COPY apps/dashboard/package.json apps/dashboard/
COPY packages/contracts/package.json packages/contracts/
COPY packages/procfs/package.json packages/procfs/
COPY packages/stats/package.json packages/stats/
RUN npm ci --omit=dev --workspace @xat/server --no-audit --no-fund

# 3. Runtime: what was built and what it loads; no sources, no compilers. bin/xat.mjs finds no sources to compare
#    with and runs dist/xat.mjs as it is.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8000 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/bin apps/server/bin
COPY --from=build /app/apps/server/scripts apps/server/scripts
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/server/drizzle apps/server/drizzle
COPY --from=build /app/apps/dashboard/dist apps/dashboard/dist
COPY --from=build /app/apps/pcc/dist apps/pcc/dist
COPY --from=build /app/apps/pcc/install.sh apps/pcc/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/server/bin/xat.mjs", "serve"]
