# spearlet-ts container image: the compiled build only (dist/ and production node_modules), run as
# the unprivileged `node` user. Build: docker build -t spearlet-ts .   (or podman build)
# Ports: 50051 gRPC (FunctionService, grpc.health.v1), 8080 HTTP trigger, 9090 Prometheus /metrics.
# State: RocksDB under /data (mount a volume). See deploy/kubernetes/ and docs/quickstart.md.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Install first (cached while only sources change); --ignore-scripts skips `prepare` until the
# sources are here, then rebuild runs the native packages' install scripts.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild
COPY scripts ./scripts
COPY src ./src
COPY runtimes ./runtimes
COPY proto ./proto
COPY fixtures ./fixtures
# The `node` package pins Node for npm scripts on developer machines; the image has its own Node.
RUN npm run build && npm prune --omit=dev && rm -rf node_modules/node node_modules/.bin/node

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /data /artifacts && chown node:node /data /artifacts
USER node
VOLUME ["/data"]
EXPOSE 50051 8080 9090
# SIGTERM drains: health reports NOT_SERVING, running executions get --shutdown-grace-ms.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--no-node-snapshot", "dist/src/cli/main.js"]
# --insecure: listeners beyond loopback without TLS or credentials (see docs/security-network.md).
CMD ["serve", "--insecure", "--listen", "0.0.0.0:50051", "--http-listen", "0.0.0.0:8080", "--metrics-listen", "0.0.0.0:9090", "--data-dir", "/data", "--artifact-root", "/artifacts"]
