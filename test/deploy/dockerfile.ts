/** The Dockerfile's facts: scripts/dockerfile.ts, shared with `npm run stack:native`. */
export * from '../../scripts/dockerfile.js';
