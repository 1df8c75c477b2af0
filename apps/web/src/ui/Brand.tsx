import { Link } from './Link';

/** The product name, linking home. */
export function Brand() {
  return (
    <Link href="/" className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
        <circle cx="12" cy="16" r="6" />
        <circle cx="20" cy="16" r="6" />
      </svg>
      Tandem
    </Link>
  );
}
