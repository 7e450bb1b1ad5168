/** The fault name of a request SePay holds while the model SIGKILLs a worker (worker-kill.ts). */
export function heldWhileKilled(endpoint: string): string {
  return `${endpoint} request held while a worker is SIGKILLed`;
}

/** A held create whose worker is killed loses its answer, like 'create response lost'. */
export const CREATE_HELD_WHILE_KILLED = heldWhileKilled('create');
