import { describe, expect, it } from 'vitest';
import { ConfigError, OPTIONS, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.maxUpdateBytes).toBe(1024 * 1024);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable and the reason', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ROOM_IDLE_MS: '60000' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: expected a whole number, got "eighty"/);
    expect(attempt).toThrow(/DATABASE_URL: expected a postgres: or postgresql: URL/);
    expect(attempt).toThrow(/ROOM_IDLE_MS: expected a number from 0 to 30000/);
  });

  it('every option has an environment name and a description', () => {
    for (const opt of Object.values(OPTIONS)) {
      expect(opt.env).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(opt.description.length).toBeGreaterThan(10);
    }
  });
});

describe('docs/OPERATIONS.md', () => {
  it('documents every option with its default and description', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/OPERATIONS.md', import.meta.url), 'utf8');
    for (const opt of Object.values(OPTIONS)) {
      const shown = opt.default === undefined ? '(unset)' : `\`${opt.default}\``;
      expect(doc).toContain(`| \`${opt.env}\` | ${shown} | ${opt.description} |`);
    }
  });
});
