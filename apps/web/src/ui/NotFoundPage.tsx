import type { ReactNode } from 'react';
import { Brand } from './Brand';
import { Link } from './Link';

/** A dead end with a way out: used for unknown paths, unknown rooms and refused connections. */
export function NotFoundPage({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <main className="page page-narrow">
      <Brand />
      <section className="card">
        <h1>{title}</h1>
        <p>{children}</p>
        <p className="actions">
          {action}
          <Link href="/" className={action ? 'button button-secondary' : 'button'}>
            Go to the home page
          </Link>
        </p>
      </section>
    </main>
  );
}
