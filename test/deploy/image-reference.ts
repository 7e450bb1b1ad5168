/**
 * `name:tag` whose tag is an exact release (`1.29.1`, `16.13`, `20.20.2-bookworm-slim`) or a
 * digest. `latest`, a bare major (`16`) or no tag at all float: the next pull may differ.
 */
export function isPinnedImage(reference: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(reference)) return true;
  const tag = /:([^/:@]+)$/.exec(reference)?.[1];
  return tag !== undefined && /^v?\d+\.\d+(\.\d+)?([-+._][\w.-]*)?$/.test(tag);
}
