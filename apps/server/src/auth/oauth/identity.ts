import type { OAuthProviderId } from '@tandem/protocol';

/** Who a provider says signed in, after every check. */
export interface ProviderIdentity {
  provider: OAuthProviderId;
  /** The provider's stable id for the person (`sub`, GitHub's numeric id); accounts are linked by (provider, subject). */
  subject: string;
  /** A verified email address, or null when the provider confirmed none. */
  email: string | null;
  displayName: string;
}
