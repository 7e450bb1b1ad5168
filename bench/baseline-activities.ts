/** The baseline's activity: does nothing, so its cost is Temporal's own (schedule, dispatch, complete). */
export const baselineActivities = {
  async noop(): Promise<void> {},
};

export type BaselineActivities = typeof baselineActivities;
