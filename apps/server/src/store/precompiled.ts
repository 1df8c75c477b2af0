/**
 * Hot queries compiled once. Kysely builds and compiles a query on every
 * call, about a tenth of a `GET /api/rooms/:id`'s CPU; a precompiled query
 * keeps the SQL text and swaps in each call's parameters. On `pg` that text
 * also runs as a named prepared statement (`namedStatementPool`), so
 * PostgreSQL parses and plans it once per connection instead of every time,
 * which more than halves its own CPU for such a read.
 */
import type { Compilable, CompiledQuery, Kysely, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { createHash } from 'node:crypto';
import type { Database } from './db.js';

/** SQL text of every precompiled query → its prepared statement's name. */
const statementNames = new Map<string, string>();

/** Where a call's argument goes in the compiled parameters. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * `build` run once, then its SQL with each call's arguments. The arguments
 * must be scalars used as values (`where('id', '=', id)`): an array or a
 * value the builder looks into would compile to a different statement.
 *
 * @example
 * const roomTitle = precompile(db, (id: string) =>
 *   db.selectFrom('rooms').select('title').where('id', '=', id));
 * const rows = await roomTitle('r1');
 */
export function precompile<Args extends unknown[], Row>(
  db: Pick<Kysely<Database>, 'executeQuery'>,
  build: (...args: Args) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  let compiled: CompiledQuery<Row> | undefined;
  return async (...args) => {
    compiled ??= compileOnce(build, args.length);
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}

function compileOnce<Args extends unknown[], Row>(
  build: (...args: Args) => Compilable<Row>,
  arity: number,
): CompiledQuery<Row> {
  const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
  const compiled = build(...(slots as Args)).compile();
  const used = new Set(compiled.parameters.filter((p) => p instanceof Slot));
  if (used.size !== arity) {
    throw new Error(`a precompiled query must use each of its ${arity} arguments as a value`);
  }
  const hash = createHash('sha256').update(compiled.sql).digest('hex').slice(0, 16);
  statementNames.set(compiled.sql, `tandem_${hash}`);
  return compiled;
}

/**
 * Kysely's pool on `pg`: the precompiled queries run as named prepared
 * statements, every other query as before (unnamed: Kysely compiles lists of
 * any length, and a name for each would pile up statements in every
 * connection). The statements select named columns, so a migration adding a
 * column does not invalidate them.
 */
export function namedStatementPool(pool: pg.Pool): PostgresPool {
  const views = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const view = (client: pg.PoolClient): PostgresPoolClient => ({
    // Only the (sql, parameters) form: the dialect is built without a cursor.
    query: ((text: string, values: unknown[]) => {
      const name = statementNames.get(text);
      // pg copies a config object (slowly); the (text, values) form is what Kysely sent before.
      return name === undefined ? client.query(text, values) : client.query({ name, text, values });
    }) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  });
  return {
    connect: async () => {
      const client = await pool.connect();
      let found = views.get(client);
      if (!found) views.set(client, (found = view(client)));
      return found;
    },
    end: () => pool.end(),
  };
}
