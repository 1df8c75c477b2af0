/** ASVS V2.1 (password security) and V2.4 (credential storage). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, type RunningServer } from './harness.js';
import { authClient, uniqueEmail } from './auth-client.js';

let server: RunningServer;
let remove: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({ dataDir: tmp.dir });
});
afterAll(async () => {
  await server.stop();
  await remove();
});

async function signUp(password: string) {
  return authClient(server).post('/api/auth/signup', {
    email: uniqueEmail(),
    password,
    displayName: 'Ada',
  });
}

describe('passwords', () => {
  it('ASVS 2.4.1/2.4.4: stores argon2id with memory >= 19 MiB, >= 2 passes and a per-user salt', async () => {
    const email = uniqueEmail();
    await authClient(server).signUp(email, 'orange tabby on the windowsill');
    await authClient(server).signUp(uniqueEmail(), 'orange tabby on the windowsill');
    const stored = await server.store.accounts.findByEmail(email);
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(
      stored?.passwordHash ?? '',
    );
    expect(m, stored?.passwordHash ?? 'no hash').not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(19_456);
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
    expect(Buffer.from(m![4]!, 'base64').length).toBeGreaterThanOrEqual(16);
    expect(stored?.passwordHash).not.toContain('windowsill');
  });

  it('ASVS 2.1.1/2.1.2: accepts 8 and 128 characters, refuses 7 and 129 (counted in characters, not bytes)', async () => {
    expect((await signUp('é'.repeat(8))).statusCode).toBe(201);
    expect((await signUp('x7Kp'.repeat(32))).statusCode).toBe(201);
    for (const password of ['abcdefg', 'x7Kp'.repeat(32) + 'y']) {
      const res = await signUp(password);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
    }
  });

  it('ASVS 2.1.9: has no composition rules (lower-case letters and spaces only are fine)', async () => {
    expect((await signUp('purple elephants dance slowly')).statusCode).toBe(201);
  });

  it('ASVS 2.1.7: refuses passwords from the common-password list, in any letter case', async () => {
    for (const password of ['password123', 'Password123', 'qwertyuiop', 'iloveyou1']) {
      const res = await signUp(password);
      expect(res.statusCode, password).toBe(400);
      expect(res.json()).toMatchObject({ code: 'PASSWORD_TOO_COMMON', field: 'password' });
    }
  });

  it('ASVS 2.1.3: never truncates: a 128-character password differing only in its last character fails', async () => {
    const email = uniqueEmail();
    const password = `${'Zq9!'.repeat(31)}abc1`;
    expect([...password]).toHaveLength(128);
    await authClient(server).signUp(email, password);
    const wrong = await authClient(server).post('/api/auth/signin', {
      email,
      password: `${password.slice(0, 127)}2`,
    });
    expect(wrong.statusCode).toBe(401);
    const right = await authClient(server).post('/api/auth/signin', { email, password });
    expect(right.statusCode).toBe(200);
  });

  it('ASVS 2.1.4: any printable Unicode (emoji included) can be part of a password', async () => {
    const email = uniqueEmail();
    const password = 'naïve 🐘 caffè 密码 test';
    await authClient(server).signUp(email, password);
    const res = await authClient(server).post('/api/auth/signin', { email, password });
    expect(res.statusCode).toBe(200);
  });
});
