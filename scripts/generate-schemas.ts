/** `npm run schemas`: writes the JSON Schemas under `schema/` (see client/json-schemas.ts). */
import { mkdir, writeFile } from 'node:fs/promises';
import { jsonSchemaFiles } from '../client/json-schemas.js';

const dir = new URL('../schema/', import.meta.url);
await mkdir(dir, { recursive: true });
for (const [name, text] of Object.entries(jsonSchemaFiles())) {
  await writeFile(new URL(name, dir), text);
  console.log(`wrote schema/${name}`);
}
