/** Commands run in their own process group: scripts/process-group.ts, shared with `npm run stack:native`. */
export * from '../../scripts/process-group.js';
