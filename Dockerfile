# syntax=docker/dockerfile:1
# The invoice worker image: the compiled worker and its prebuilt workflow bundles (`npm run build`),
# production dependencies only, run as the unprivileged `node` user. The simulator runs from the
# same image with another command (docker-compose.yml, profile `local`).
# Same Node.js release as the tests run natively on.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Build stage: every dependency (TypeScript, the bundler) to compile dist/; none of it ships.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
# .dockerignore lets in only what the build compiles.
COPY . .
RUN npm run build

# Runtime stage: production dependencies installed afresh from the lockfile, the compiled output,
# and no package manager left behind (npm, npx, corepack, yarn): a compromised worker finds no
# tool to fetch and build more code with.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force \
  && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /root/.npm
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
# Exactly `npm run worker:prod`, without npm in between: SIGTERM reaches the worker itself.
CMD ["node", "dist/worker/main.js"]
