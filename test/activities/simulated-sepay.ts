/**
 * A real simulator over HTTP for activity tests, with the typed client the worker uses, and a
 * wrapper that counts calls per client method, so tests can prove what a cache saved.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { SepayClient } from '../../sepay/client.js';
import { TokenProvider } from '../../sepay/token-provider.js';
import { SimulatorControl } from '../../simulator/control-client.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSimulator, type RunningSimulator } from '../../simulator/server.js';

export interface SimulatedSepay {
  simulator: RunningSimulator;
  control: SimulatorControl;
  client: SepayClient;
}

/**
 * One simulator for the file (port 0, closed in afterAll), reset with zeroed stats before each test.
 * Read the fields inside tests, after beforeAll has run.
 */
export function useSimulatedSepay(): SimulatedSepay {
  const fixture = {} as SimulatedSepay;
  beforeAll(async () => {
    fixture.simulator = await startSimulator({ port: 0 });
    fixture.control = new SimulatorControl(fixture.simulator.baseUrl);
    const credentials = { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET };
    const environment = { baseUrl: fixture.simulator.baseUrl };
    fixture.client = new SepayClient({ environment, tokenProvider: new TokenProvider({ environment, ...credentials }) });
  });
  afterAll(async () => {
    await fixture.simulator?.close();
  });
  beforeEach(async () => {
    await fixture.control.reset();
  });
  return fixture;
}

/** `methods` of `client`, each counting its calls in `calls` before it delegates. */
export function countingCalls<K extends keyof SepayClient>(client: SepayClient, ...methods: K[]) {
  const calls = Object.fromEntries(methods.map((m) => [m, 0])) as Record<K, number>;
  const sepay = {} as Pick<SepayClient, K>;
  for (const name of methods) {
    const method = client[name] as (...args: unknown[]) => unknown;
    Object.assign(sepay, {
      [name]: (...args: unknown[]) => {
        calls[name]++;
        return method.apply(client, args);
      },
    });
  }
  return { sepay, calls };
}
