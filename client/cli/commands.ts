/**
 * The CLI's command table: every command by name. Each group of commands lives in its own module;
 * a new group is one more spread here.
 */
import { accountCommands } from './account-commands.js';
import { type Command } from './command.js';
import { downloadCommands } from './download-command.js';
import { invoiceCommands } from './invoice-commands.js';
import { quotaCommands } from './quota-commands.js';
import { scheduleCommands } from './schedule-commands.js';

export type { Action, CliClient, CliContext, CliSepay, Command, Output } from './command.js';

export const commands: Record<string, Command> = {
  ...invoiceCommands,
  ...accountCommands,
  ...quotaCommands,
  ...downloadCommands,
  ...scheduleCommands,
};
