# XAT server. Untested here: these machines have no Docker engine (see README).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=8000 DATA_DIR=/data
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY apps/pcc/package.json apps/pcc/
COPY apps/dashboard/package.json apps/dashboard/
COPY packages/contracts/package.json packages/contracts/
COPY packages/procfs/package.json packages/procfs/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
VOLUME /data
EXPOSE 8000
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:8000/health/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/server/bin/xat.mjs", "serve"]
