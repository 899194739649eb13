# The Wheelhouse agent as a container. Build from the repository root:
#   docker build -f docker/agent.Dockerfile -t wheelhouse-agent .
# Run (enrol once, then run; the key lives in the volume):
#   docker run --rm -v wheelhouse-agent:/etc/wheelhouse-agent -v /var/run/docker.sock:/var/run/docker.sock \
#     wheelhouse-agent enroll --portal https://wheelhouse.example.com --token whe_...
#   docker run -d --restart unless-stopped --name wheelhouse-agent -v wheelhouse-agent:/etc/wheelhouse-agent \
#     -v /var/run/docker.sock:/var/run/docker.sock wheelhouse-agent
# Mounting the Docker socket gives the container root on the host: that is the agent's job.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/agent/package.json apps/agent/
COPY apps/web/package.json apps/web/
COPY packages/shared/package.json packages/shared/
COPY prisma prisma
COPY scripts/db scripts/db
RUN npm ci --no-audit --no-fund --workspace @wheelhouse/agent --include-workspace-root=false
COPY apps/agent apps/agent
COPY packages/shared packages/shared

FROM node:20-bookworm-slim
WORKDIR /app
ENV WHEELHOUSE_AGENT_CONFIG_DIR=/etc/wheelhouse-agent LOG_LEVEL=info
COPY --from=build /app /app
VOLUME ["/etc/wheelhouse-agent"]
ENTRYPOINT ["node", "apps/agent/bin/wheelhouse-agent.mjs"]
CMD ["run"]
