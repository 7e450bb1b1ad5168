/**
 * `npm run stack:ensure` (part of `npm test`): builds, once per machine, what `npm run stack:native`
 * and the production test run of Temporal, and prints where it is. Without Go or PostgreSQL it says
 * so and exits 0: the production test is skipped then, with the same message.
 */
import { goIsAvailable } from './go-install.js';
import { postgresIsAvailable } from './native-postgres.js';
import { ensureTemporalServer } from './temporal-server.js';

const missing = [!(await postgresIsAvailable()) && 'PostgreSQL (initdb, postgres)', !(await goIsAvailable()) && 'Go'].filter(Boolean);
if (missing.length > 0) {
  console.log(`stack:ensure skipped: ${missing.join(' and ')} not on PATH; the production test will be skipped (docs/deployment.md)`);
} else {
  const started = Date.now();
  const build = await ensureTemporalServer();
  console.log(`${build.server}\n${build.sqlTool}\n${build.uiServer}\nTemporal server ${build.serverVersion}, Web UI ${build.uiVersion} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
