/**
 * The save state in words. `delayed`: the server said it cannot reach its
 * database (`saving:status`), so the edits wait; say why, and that they are
 * safe, so nobody copies their code away in a panic.
 */
export function savingText(pendingCount: number, delayed = false): string {
  if (pendingCount === 0) return 'All changes saved';
  const one = pendingCount === 1;
  const changes = `${pendingCount} change${one ? '' : 's'}`;
  if (delayed) {
    return `Saving is delayed: the server cannot reach its database. Your ${changes} ${one ? 'is' : 'are'} kept and will be saved.`;
  }
  return `Saving ${changes}…`;
}
