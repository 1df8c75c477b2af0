/**
 * The wire protocol's version. A client sends it in its handshake; the server
 * refuses any other value with `PROTOCOL_MISMATCH`, so an old tab is told to
 * reload instead of speaking a protocol the server no longer understands.
 */
export const PROTOCOL_VERSION = 1;

/** The shared Y.Text holding a room's code buffer. */
export const DOC_TEXT_KEY = 'code';
