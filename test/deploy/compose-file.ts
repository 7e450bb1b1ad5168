/** docker-compose.yml and its env files as Compose reads them: scripts/compose-file.ts, shared with `npm run stack:native`. */
export * from '../../scripts/compose-file.js';
