# syntax=docker/dockerfile:1
# The invoice worker image: the compiled worker and its prebuilt workflow bundles (`npm run build`),
# production dependencies only, run as the unprivileged `node` user. The simulator runs from the
# same image with another command (docker-compose.yml, profile `local`).
# Same Node.js release as the tests run natively on.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
# .dockerignore lets in only what the build compiles.
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
# Exactly `npm run worker:prod`, without npm in between: SIGTERM reaches the worker itself.
CMD ["node", "dist/worker/main.js"]
