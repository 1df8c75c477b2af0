/**
 * Eight user colours, each dark enough for white text on it (contrast ≥ 4.5:1,
 * WCAG AA) and distinct from its neighbours. A user keeps one colour, stored
 * with their name, so they look the same in every room.
 */
export const USER_COLORS = [
  '#c62828', // red
  '#ad1457', // pink
  '#6a1b9a', // purple
  '#283593', // indigo
  '#0277bd', // blue
  '#00695c', // teal
  '#2e7d32', // green
  '#8d5a00', // amber
] as const;

export function randomUserColor(): string {
  return USER_COLORS[Math.floor(Math.random() * USER_COLORS.length)] ?? USER_COLORS[0];
}

/** The translucent tint used for a user's selection in the editor. */
export function lightColor(color: string): string {
  return `${color}33`;
}
