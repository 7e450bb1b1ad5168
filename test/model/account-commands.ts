/**
 * The merchant's provider accounts change at SePay while runs are open: the account is
 * deactivated, the VAT template/series pair de-allocated, the merchant moves to another account or
 * has two active, and everything comes back. Each change is recorded with the window in which it
 * landed, so the invariants know what SePay listed when a run was refused or an invoice created.
 * The worker keeps SePay's account answers for a real TTL (config.ts), so changes meet kept answers.
 */
import type fc from 'fast-check';
import { ACCOUNT_LISTS, type AccountListName } from './account-timeline.js';
import type { SequenceModel } from './model.js';
import type { RealSystem } from './real-system.js';

type ModelCommand = fc.AsyncCommand<SequenceModel, RealSystem>;

/** The account changes a sequence draws (restoring is a command of its own). */
export const ACCOUNT_CHANGES = ['deactivate the account', 'de-allocate the VAT pair', 'move to another account', 'a second active account'] as const satisfies readonly AccountListName[];

export async function setAccounts(model: SequenceModel, real: RealSystem, list: AccountListName, name: string = list): Promise<void> {
  const accounts = ACCOUNT_LISTS[list]();
  const sentAt = Date.now();
  await real.env.sim.setAccounts(accounts);
  model.accounts.push({ name, sentAt, answeredAt: Date.now(), accounts });
}

export class AccountChangeCommand implements ModelCommand {
  constructor(readonly list: AccountListName) {}

  check(): boolean {
    return true;
  }

  async run(model: SequenceModel, real: RealSystem): Promise<void> {
    await setAccounts(model, real, this.list);
  }

  toString(): string {
    return `accounts(${this.list})`;
  }
}
