# The Wheelhouse portal. Build from the repository root:
#   docker build -f docker/portal.Dockerfile -t wheelhouse-portal .
# Stage 1 installs and builds; stage 2 keeps only what runs.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY apps/web/package.json apps/web/
COPY apps/agent/package.json apps/agent/
COPY packages/shared/package.json packages/shared/
COPY prisma prisma
COPY scripts/db scripts/db
RUN npm ci --no-audit --no-fund
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 DATA_DIR=/data
RUN useradd --system --uid 10001 --home /app wheelhouse && mkdir -p /data && chown wheelhouse /data
COPY --from=build --chown=wheelhouse /app /app
USER wheelhouse
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "apps/web/src/server/main.ts"]
