import { z } from 'zod';
import { LanguageSchema } from './schemas.js';

/** Passwords are counted in characters (code points), not UTF-16 units or bytes. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** The header every cookie-authenticated request carries (part of the CSRF defence). */
export const CSRF_HEADER = 'x-tandem-request';

export const EmailSchema = z
  .string()
  .trim()
  .max(254, 'the email address must be at most 254 characters')
  .pipe(z.email('enter an email address like name@example.com'));

export const PasswordSchema = z
  .string()
  .refine((p) => [...p].length >= PASSWORD_MIN_LENGTH, {
    message: `the password must be at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  .refine((p) => [...p].length <= PASSWORD_MAX_LENGTH, {
    message: `the password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  });

export const AccountDisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'the name must not be empty')
  .max(60, 'the name must be at most 60 characters');

/** A six-digit authenticator code, or a recovery code (`xxxxx-xxxxx`). */
export const SecondFactorCodeSchema = z
  .string()
  .trim()
  .min(6, 'the code has 6 digits')
  .max(32, 'the code is too long');

export const SignUpBodySchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  displayName: AccountDisplayNameSchema,
});
export type SignUpBody = z.input<typeof SignUpBodySchema>;

export const SignInBodySchema = z.object({
  email: EmailSchema,
  // Any length is checked against the stored hash; the length rule is for new passwords.
  password: z.string().min(1, 'enter your password').max(1024, 'the password is too long'),
  code: SecondFactorCodeSchema.optional(),
});
export type SignInBody = z.input<typeof SignInBodySchema>;

export const AccountSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
  twoFactorEnabled: z.boolean(),
});
export type AccountView = z.infer<typeof AccountSchema>;

/** What sign-up, sign-in and refresh answer; the refresh token travels only in its cookie. */
export const AuthSessionSchema = z.object({
  account: AccountSchema,
  accessToken: z.string(),
  /** ISO time; refresh before it. */
  accessTokenExpiresAt: z.string(),
});
export type AuthSession = z.infer<typeof AuthSessionSchema>;

export const EditorSettingsSchema = z.object({
  fontSize: z
    .number()
    .int()
    .min(10, 'the font size is at least 10')
    .max(32, 'the font size is at most 32'),
  tabSize: z.union([z.literal(2), z.literal(4), z.literal(8)]),
  lineWrapping: z.boolean(),
});
export type EditorSettings = z.infer<typeof EditorSettingsSchema>;

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = {
  fontSize: 14,
  tabSize: 4,
  lineWrapping: false,
};

/** Everything a person can change about themselves, saved at once (one upsert). */
export const SettingsSchema = z.object({
  displayName: AccountDisplayNameSchema,
  /** The language new rooms start in; null: the server's default. */
  preferredLanguage: LanguageSchema.nullable(),
  editor: EditorSettingsSchema,
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsBody = z.input<typeof SettingsSchema>;

export const MeSchema = z.object({ account: AccountSchema, settings: SettingsSchema });
export type Me = z.infer<typeof MeSchema>;

export const SignedOutSchema = z.object({ signedOut: z.literal(true), sessions: z.number().int() });
export type SignedOut = z.infer<typeof SignedOutSchema>;

export const RECOVERY_CODE_COUNT = 10;

export const TwoFactorStatusSchema = z.object({
  enabled: z.boolean(),
  /** Unused recovery codes left (0 when 2FA is off). */
  recoveryCodesLeft: z.number().int(),
});
export type TwoFactorStatus = z.infer<typeof TwoFactorStatusSchema>;

/** Enrolment, before confirmation: the secret to scan (or type). */
export const TwoFactorEnrolmentSchema = z.object({
  /** Base32, for typing into an authenticator by hand. */
  secret: z.string(),
  otpauthUrl: z.string(),
  /** The otpauth URL as a PNG data URL. */
  qrCode: z.string(),
});
export type TwoFactorEnrolment = z.infer<typeof TwoFactorEnrolmentSchema>;

export const TwoFactorCodeBodySchema = z.object({ code: SecondFactorCodeSchema });
export type TwoFactorCodeBody = z.input<typeof TwoFactorCodeBodySchema>;

/** Shown once, right after confirmation; stored only as hashes. */
export const RecoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodesSchema>;
