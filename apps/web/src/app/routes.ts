export type Route =
  { name: 'home' } | { name: 'room'; roomId: string } | { name: 'not-found'; path: string };

/** `/` and `/r/:roomId`, the two paths the server answers with the app. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  const room = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (room?.[1]) return { name: 'room', roomId: decodeURIComponent(room[1]) };
  return { name: 'not-found', path: pathname };
}

export function roomPath(roomId: string): string {
  return `/r/${encodeURIComponent(roomId)}`;
}

/** The link to share: the origin the user is actually on, so it works behind any proxy. */
export function roomLink(roomId: string): string {
  return new URL(roomPath(roomId), window.location.origin).href;
}
