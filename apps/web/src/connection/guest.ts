/**
 * A candidate's guest pass per interview room, kept in localStorage so a
 * reload keeps their place in the lobby (or their admission). It is only
 * good for that one room and stops working if they are removed or denied.
 */
const key = (roomId: string) => `tandem.guest.${roomId}`;

export function guestToken(roomId: string): string | null {
  try {
    return window.localStorage.getItem(key(roomId));
  } catch {
    return null;
  }
}

export function saveGuestToken(roomId: string, token: string): void {
  try {
    window.localStorage.setItem(key(roomId), token);
  } catch {
    // Storage disabled: the pass lives as long as this page.
  }
}

export function forgetGuestToken(roomId: string): void {
  try {
    window.localStorage.removeItem(key(roomId));
  } catch {
    // nothing stored
  }
}
