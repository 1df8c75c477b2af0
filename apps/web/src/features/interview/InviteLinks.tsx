import { useId } from 'react';
import type { InviteLinks as Links } from '@tandem/protocol';
import { CopyLinkButton } from '../../ui/CopyLinkButton';

function LinkRow({ label, hint, link }: { label: string; hint: string; link: string }) {
  const id = useId();
  return (
    <div className="invite-link">
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
      <div className="share-link-row">
        <input
          id={id}
          type="text"
          readOnly
          value={link}
          aria-describedby={`${id}-hint`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyLinkButton link={link} />
      </div>
    </div>
  );
}

/** The two invite links of an interview, each with its own copy button. */
export function InviteLinks({ links }: { links: Links }) {
  return (
    <div className="invite-links">
      <LinkRow
        label="Candidate link"
        hint="For the candidate. No account needed: they give a name and wait until you let them in."
        link={links.candidate}
      />
      <LinkRow
        label="Interviewer link"
        hint="For co-interviewers. They sign in and join as interviewers; you can make them observers."
        link={links.interviewer}
      />
    </div>
  );
}
