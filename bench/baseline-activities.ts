/** The baseline's activities: they do nothing, so their cost is Temporal's own (schedule, dispatch, complete). */
import { Context } from '@temporalio/activity';

export const baselineActivities = {
  async noop(): Promise<void> {},

  /** Heartbeats once, as each invoice activity does (to learn of cancellation): one more server call. */
  async heartbeatingNoop(): Promise<void> {
    Context.current().heartbeat();
  },
};

export type BaselineActivities = typeof baselineActivities;
