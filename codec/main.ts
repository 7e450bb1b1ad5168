/**
 * `npm run codec-server`: decodes (and encodes) invoice payloads for the Web UI and the CLI, for
 * callers holding CODEC_SERVER_TOKEN, until SIGINT/SIGTERM. Exit code 1 on bad configuration.
 */
import { AesGcmPayloadCodec } from './aes-gcm-codec.js';
import { CodecServerConfigError, loadCodecServerConfig } from './server-config.js';
import { startCodecServer } from './server.js';

async function main(): Promise<void> {
  const config = loadCodecServerConfig();
  const server = await startCodecServer({
    codec: new AesGcmPayloadCodec(config.keyring),
    token: config.token,
    corsOrigins: config.corsOrigins,
    host: config.host,
    port: config.port,
    logger: { info: (line) => console.log(line), error: (line, error) => console.error(line, error) },
  });
  const origins = config.corsOrigins.length > 0 ? config.corsOrigins.join(', ') : 'none (CLI and SDKs only)';
  console.log(`codec server: ${server.url} (keys ${[...config.keyring.keys.keys()].join(', ')}, current ${config.keyring.currentKeyId}; browser origins: ${origins})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  console.log('codec server stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof CodecServerConfigError ? error.message : error);
  process.exit(1);
});
