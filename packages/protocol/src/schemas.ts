import { z } from 'zod';
import { LANGUAGE_IDS, DEFAULT_LANGUAGE } from './languages.js';
import type { InterviewState } from './interviews.js';

/** Room ids are 128 random bits in base64url: the link itself is the key. */
export const RoomIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'a room id is 22 characters of A-Z, a-z, 0-9, - and _');

export const LanguageSchema = z.enum(LANGUAGE_IDS);

export const TitleSchema = z
  .string()
  .trim()
  .min(1, 'the title must not be empty')
  .max(120, 'the title must be at most 120 characters');

export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'the name must not be empty')
  .max(60, 'the name must be at most 60 characters');

export const ColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb');

export const CreateRoomBodySchema = z.object({
  title: TitleSchema,
  language: LanguageSchema.default(DEFAULT_LANGUAGE),
});
export type CreateRoomBody = z.input<typeof CreateRoomBodySchema>;

export const RoomSchema = z.object({
  id: RoomIdSchema,
  title: z.string(),
  language: LanguageSchema,
  createdAt: z.string(),
  joinUrl: z.string(),
  /** `interview`: owned, with roles and a lobby; `scratch`: an open pad without interviewer powers. */
  kind: z.enum(['scratch', 'interview']),
});
export type Room = z.infer<typeof RoomSchema>;

/** Sent by the client in `socket.handshake.auth`. */
export const HandshakeSchema = z.object({
  v: z.number().int(),
  roomId: RoomIdSchema,
  name: DisplayNameSchema,
  color: ColorSchema.optional(),
  /** An account's access token (see /api/auth); absent for guests. */
  accessToken: z.string().max(4096).optional(),
  /** A candidate's room-scoped credential from `POST /api/interviews/:id/lobby`. */
  guestToken: z.string().max(64).optional(),
});
export type Handshake = z.input<typeof HandshakeSchema>;

/** Server-authoritative changes to room settings. Never document content. */
export const RoomCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set-language'), language: LanguageSchema }),
  z.object({ type: z.literal('set-title'), title: TitleSchema }),
]);
export type RoomCommand = z.infer<typeof RoomCommandSchema>;

/** Binary payloads arrive as Buffer on Node and must be copied to Uint8Array on browsers. */
export const BinarySchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, {
  message: 'expected a binary payload',
});

export const WelcomeSchema = z.object({
  protocolVersion: z.number(),
  room: RoomSchema,
  self: z.object({
    sessionId: z.string(),
    name: z.string(),
    color: z.string(),
    /** `scratch` in rooms without an owner; the stored role in interview rooms. */
    role: z.enum(['scratch', 'host', 'interviewer', 'observer', 'candidate']),
    /** The participant behind this session in interview rooms. */
    participantId: z.string().nullable(),
  }),
  /** Interview rooms: the state everyone may see (never unrevealed hints). */
  interview: z.custom<InterviewState>().nullable(),
});
export type Welcome = z.infer<typeof WelcomeSchema>;
