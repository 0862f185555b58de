/**
 * Polls `probe` until it returns a value that is not undefined, or fails with the last
 * reason. End-to-end results are eventually visible (conversion is asynchronous).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMillis?: number; intervalMillis?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMillis ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMillis ?? 100));
  }
}
