export type Route =
  | { name: 'home' }
  | { name: 'room'; roomId: string }
  /** The interviewer link (`/team/:roomId#key`): signed-in co-interviewers join here. */
  | { name: 'team'; roomId: string }
  /** The candidate link (`/join/:roomId#key`): a name, then the lobby. */
  | { name: 'join'; roomId: string }
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

const PAGES: Record<string, Route> = {
  '/signin': { name: 'signin' },
  '/signup': { name: 'signup' },
  '/settings': { name: 'settings' },
};

/** `/`, `/r/:roomId` and the account pages: the paths the server answers with the app. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  const page = PAGES[pathname.replace(/\/$/, '')];
  if (page) return page;
  const room = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (room?.[1]) return { name: 'room', roomId: decodeURIComponent(room[1]) };
  const invite = /^\/(team|join)\/([^/]+)\/?$/.exec(pathname);
  if (invite?.[2]) {
    return { name: invite[1] === 'team' ? 'team' : 'join', roomId: decodeURIComponent(invite[2]) };
  }
  return { name: 'not-found', path: pathname };
}

export function roomPath(roomId: string): string {
  return `/r/${encodeURIComponent(roomId)}`;
}

/** The link to share: the origin the user is actually on, so it works behind any proxy. */
export function roomLink(roomId: string): string {
  return new URL(roomPath(roomId), window.location.origin).href;
}
