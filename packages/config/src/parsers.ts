/** The parsers of the configuration table: each takes the raw text and returns the value or throws why not. */
export function int(min: number, max: number) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`expected a number from ${min} to ${max}, got ${n}`);
    return n;
  };
}
export const str = (raw: string): string => raw;
export function url(protocols: string[]) {
  return (raw: string): string => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Error(`expected a URL, got "${raw}"`);
    }
    if (!protocols.includes(u.protocol)) {
      throw new Error(`expected a ${protocols.join(' or ')} URL, got "${u.protocol}"`);
    }
    return raw;
  };
}
export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T => {
    if (!(values as readonly string[]).includes(raw)) {
      throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };
}
/** `address@domain` or `Display Name <address@domain>`, on one line. */
export const mailbox = (raw: string): string => {
  const address = /<([^<>]+)>\s*$/.exec(raw)?.[1] ?? raw;
  if (/[\r\n]/.test(raw) || !/^[^\s@<>]+@[^\s@<>]+$/.test(address.trim())) {
    throw new Error(`expected an address or "Name <address>", got "${raw}"`);
  }
  return raw.trim();
};
export const bool = (raw: string): boolean => {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new Error(`expected true or false, got "${raw}"`);
};
