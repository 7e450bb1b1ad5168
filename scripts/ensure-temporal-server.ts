/** `npm run stack:ensure`: builds (once) what `npm run stack:native` runs of Temporal, and prints where it is. */
import { ensureTemporalServer } from './temporal-server.js';

const started = Date.now();
const build = await ensureTemporalServer();
console.log(`${build.server}\n${build.sqlTool}\n${build.uiServer}\nTemporal server ${build.serverVersion}, Web UI ${build.uiVersion} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
