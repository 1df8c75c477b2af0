/**
 * Polls `condition` until it holds; fails with `message` after `timeoutMs`. For tests.
 * `message` may be a function, called only on timeout, to describe the state it timed out in.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  message: string | (() => string | Promise<string>),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const described = typeof message === 'string' ? message : await message();
      throw new Error(`timed out waiting for: ${described}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
