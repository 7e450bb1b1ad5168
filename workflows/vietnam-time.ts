const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** `YYYY-MM-DD HH:mm:ss` in Vietnam time (UTC+7, no daylight saving), as SePay's `issued_date` wants. */
export function formatVietnamDateTime(instant: Date): string {
  return new Date(instant.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
