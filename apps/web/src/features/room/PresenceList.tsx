import type { Person } from '../../connection/usePresence';

function initial(name: string): string {
  return Array.from(name.trim())[0]?.toUpperCase() ?? '?';
}

/**
 * Everyone in the room with their colour. In a narrow window the names
 * collapse to coloured initials; they stay in the accessible name.
 */
export function PresenceList({ people }: { people: Person[] }) {
  return (
    <ul className="presence" aria-label="People in this room">
      {people.map((p) => (
        <li key={p.clientId} className="person" title={p.isSelf ? `${p.name} (you)` : p.name}>
          <span className="person-dot" style={{ backgroundColor: p.color }} aria-hidden="true">
            {initial(p.name)}
          </span>
          <span className="person-name">
            {p.name}
            {p.isSelf && <span className="person-self"> (you)</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
