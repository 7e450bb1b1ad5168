/**
 * Switchable behaviours that SePay's docs allow but do not promise (README "Modes"). Off by
 * default, so the simulator stays the plain reading of the docs; a client that must survive the
 * real service turns them on to prove it copes.
 */
import { z } from 'zod';

export const SimModes = z
  .object({
    /** A direct create (`is_draft:false`) shows as `draft`, number "0", while its job is Pending. */
    draftVisibleWhileSigning: z.boolean(),
    /** The first N checks of a new tracking code answer 404, as if SePay did not know it yet. */
    trackingNotFoundChecks: z.int().nonnegative().max(1000),
    /** `POST /v1/token` revokes every token issued before it (one active token per client). */
    singleActiveToken: z.boolean(),
  })
  .strict();
export type SimModes = z.output<typeof SimModes>;

export const DEFAULT_MODES: Readonly<SimModes> = {
  draftVisibleWhileSigning: false,
  trackingNotFoundChecks: 0,
  singleActiveToken: false,
};

/** Control API and options: any subset; a misspelt mode is refused rather than silently ignored. */
export const ModesPatch = SimModes.partial();
export type ModesPatch = z.output<typeof ModesPatch>;

export function withDefaults(patch: ModesPatch = {}): SimModes {
  return { ...DEFAULT_MODES, ...ModesPatch.parse(patch) };
}
