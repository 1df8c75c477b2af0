import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP origins other than localhost have no Clipboard API.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

/**
 * "Copy link", with the outcome announced politely beside it. The button's own
 * name never changes, so it stays findable by its role and name.
 */
export function CopyLinkButton({ link, className }: { link: string; className?: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);

  return (
    <span className="copy-link">
      <button
        type="button"
        className={className ?? 'button button-secondary'}
        onClick={() => {
          copyText(link).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
      >
        Copy link
      </button>
      <span className="copy-link-feedback" aria-live="polite">
        {state === 'copied'
          ? 'Link copied'
          : state === 'failed'
            ? 'Copy failed: select the link'
            : ''}
      </span>
    </span>
  );
}
