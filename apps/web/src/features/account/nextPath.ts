/** Where to go after signing in: `?next=` when it is a path of this site, else home. */
export function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function withNext(path: string): string {
  const next = nextPath();
  return next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`;
}
