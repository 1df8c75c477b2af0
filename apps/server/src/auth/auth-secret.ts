import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * The key that signs access tokens: AUTH_SECRET, or else a random one kept in
 * DATA_DIR/auth-secret (created once, mode 0600) so a restart keeps sessions.
 */
export async function loadAuthSecret(
  config: Pick<Config, 'authSecret' | 'dataDir' | 'databaseUrl'>,
  logger: Logger,
): Promise<Uint8Array> {
  if (config.authSecret !== undefined) return new TextEncoder().encode(config.authSecret);
  const file = path.join(config.dataDir, 'auth-secret');
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return new TextEncoder().encode(existing);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // `wx`: of two nodes starting at once on one folder, the second reads the first's.
    await fs.writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadAuthSecret(config, logger);
  }
  if (config.databaseUrl !== undefined) {
    logger.warn(
      { file },
      'AUTH_SECRET is unset: generated a signing key for this node only. Set the same AUTH_SECRET on every node.',
    );
  } else {
    logger.info({ file }, 'generated the access-token signing key');
  }
  return new TextEncoder().encode(secret);
}
