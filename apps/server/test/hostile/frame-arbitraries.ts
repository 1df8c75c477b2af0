/**
 * fast-check arbitraries for socket frames: every client → server event of
 * the protocol with valid, broken and foreign payloads, unknown event names,
 * and every ack arity (a callback, none, something that is not a function).
 */
import fc from 'fast-check';
import {
  CLIENT_EVENTS,
  INTERVIEW_COMMAND_TYPES,
  LANGUAGE_IDS,
  RECOMMENDATIONS,
  type ClientEventName,
} from '@tandem/protocol';
import { awarenessUpdate, stateVector, yjsUpdate } from './yjs-arbitraries.js';
import { broken, edgyString, hugeString, junk } from './value-arbitraries.js';

export type AckMode = 'callback' | 'none' | 'not-a-function';

export interface Frame {
  /** A protocol event, or anything else a socket.io client can name (numbers included). */
  event: string | number;
  args: unknown[];
  ack: AckMode;
}

/** Binary where the protocol wants JSON, JSON where it wants binary: each event also gets the other's payloads. */
const foreign = fc.oneof(junk, yjsUpdate);

export const id22 = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
const problemId = fc.constantFrom('two-sum', 'two-sum-function', 'valid-parentheses', 'nope', '');

export const roomCommand = broken(
  fc.oneof(
    fc.record({
      type: fc.constant('set-language'),
      language: fc.oneof(fc.constantFrom(...LANGUAGE_IDS), edgyString),
    }),
    fc.record({ type: fc.constant('set-title'), title: fc.oneof(edgyString, hugeString) }),
    fc.record({ type: edgyString }),
  ),
);

export const runStart = broken(
  fc.record(
    {
      language: fc.oneof(fc.constantFrom('python', 'javascript', 'cpp', 'cobol'), edgyString),
      source: fc.oneof(fc.constantFrom('print(1)', 'syntax error(', ''), edgyString, hugeString),
      stdin: fc.oneof(edgyString, hugeString),
      problemId,
    },
    { requiredKeys: ['language', 'source'] },
  ),
);

/**
 * Interview commands with valid shapes and broken ones. Participant ids are
 * well-formed but nobody's: a real one would let the fuzz remove or deny the
 * suite's own sockets (that is the role matrix's job). `end` is left to the
 * staff who may not send it, so the interview stays open for the whole run.
 */
export const interviewCommand = (allowEnd: boolean) =>
  broken(
    fc
      .record({
        type: fc.constantFrom(...INTERVIEW_COMMAND_TYPES.filter((t) => allowEnd || t !== 'end')),
        problemId: fc.oneof(problemId, fc.constant(null)),
        locked: fc.boolean(),
        enabled: fc.boolean(),
        participantId: id22,
        role: fc.constantFrom('interviewer', 'observer', 'host', 'candidate'),
        link: fc.constantFrom('interviewer', 'candidate', 'both'),
      })
      // Only the fields of its type, so that valid commands are common.
      .map((c) => {
        const fields: Record<string, string[]> = {
          'set-problem': ['problemId'],
          'set-editor-locked': ['locked'],
          'set-run-enabled': ['enabled'],
          admit: ['participantId'],
          deny: ['participantId'],
          remove: ['participantId'],
          'set-role': ['participantId', 'role'],
          'rotate-link': ['link'],
        };
        const keep = fields[c.type] ?? [];
        return Object.fromEntries(
          Object.entries(c).filter(([k]) => k === 'type' || keep.includes(k)),
        ) as Record<string, unknown>;
      }),
  );

const rating = fc.oneof(
  fc.integer({ min: 1, max: 4 }),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  edgyString,
);
export const scorecard = broken(
  fc.record({
    ratings: broken(
      fc.record({
        problemSolving: rating,
        codeQuality: rating,
        communication: rating,
        testing: rating,
      }),
    ),
    recommendation: fc.oneof(fc.constantFrom(...RECOMMENDATIONS), fc.constant(null), edgyString),
    comments: fc.oneof(edgyString, hugeString),
  }),
);

/** The payload of each event: mostly its own kind, valid or broken; sometimes another kind's. */
function payloadOf(event: ClientEventName, role: string): fc.Arbitrary<unknown> {
  const own: Record<ClientEventName, fc.Arbitrary<unknown>> = {
    'sync:step1': stateVector,
    'notes:sync': stateVector,
    'doc:update': yjsUpdate,
    'notes:update': yjsUpdate,
    'awareness:update': awarenessUpdate,
    'room:command': roomCommand,
    'run:start': runStart,
    'run:cancel': broken(fc.record({ runId: fc.oneof(id22, edgyString, hugeString) })),
    'interview:command': interviewCommand(role !== 'host'),
    'scorecard:save': scorecard,
  };
  return fc.oneof({ weight: 4, arbitrary: own[event] }, { weight: 1, arbitrary: foreign });
}

const unknownEvent: fc.Arbitrary<string | number> = fc.oneof(
  fc.string({ maxLength: 20 }),
  hugeString.map((s) => s.slice(0, 5_000)),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'session:welcome',
    'protocol:error',
    'doc:update ',
    'DOC:UPDATE',
    'replica:update',
    'interview:controls',
  ),
  fc.integer(),
  // Finite only: socket.io-client writes an infinite name as JSON's null, a packet the parser
  // refuses (the connection closes, as docs/PROTOCOL.md says; transport-packets.test.ts sends it).
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const ackMode: fc.Arbitrary<AckMode> = fc.constantFrom(
  'callback',
  'callback',
  'none',
  'not-a-function',
);

/** A frame for a socket in `role` (the host is never sent `end`). */
export function frame(role: string): fc.Arbitrary<Frame> {
  const known = fc.constantFrom(...CLIENT_EVENTS).chain((event) =>
    fc.record({
      event: fc.constant<string | number>(event),
      // Usually one payload; sometimes none, sometimes extra arguments.
      args: fc.oneof(
        { weight: 8, arbitrary: payloadOf(event, role).map((p): unknown[] => [p]) },
        { weight: 1, arbitrary: fc.constant<unknown[]>([]) },
        {
          weight: 1,
          arbitrary: fc.tuple(payloadOf(event, role), junk, junk).map((t): unknown[] => [...t]),
        },
      ),
      ack: ackMode,
    }),
  );
  const unknown = fc.record({
    event: unknownEvent,
    args: fc.array(junk, { maxLength: 2 }),
    ack: ackMode,
  });
  return fc.oneof({ weight: 10, arbitrary: known }, { weight: 1, arbitrary: unknown });
}
