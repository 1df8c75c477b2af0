import { useEffect, useState } from 'react';
import type { OAuthProvider } from '@tandem/protocol';
import { api } from '../../app/api';

/**
 * "Continue with {name}" for each provider the server has configured. Nothing
 * at all (no divider) while loading, when none is configured, or when the
 * list cannot be fetched: email and password still work then.
 */
export function ProviderButtons() {
  const [providers, setProviders] = useState<OAuthProvider[]>([]);

  useEffect(() => {
    let live = true;
    api.authProviders().then(
      (list) => live && setProviders(list),
      () => live && setProviders([]),
    );
    return () => {
      live = false;
    };
  }, []);

  if (providers.length === 0) return null;
  return (
    <div className="providers">
      <p className="providers-divider">
        <span>or</span>
      </p>
      <ul className="providers-list" aria-label="Sign in with another account">
        {providers.map((p) => (
          <li key={p.id}>
            {/* A full-page navigation: the server redirects to the provider. */}
            <a className="button button-secondary provider-button" href={api.oauthStartUrl(p.id)}>
              Continue with {p.name}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
