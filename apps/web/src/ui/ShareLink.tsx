import { useId } from 'react';
import { CopyLinkButton } from './CopyLinkButton';

/** The room link in a read-only field (select-all on focus) with its "Copy link" button. */
export function ShareLink({
  link,
  withCopyButton = true,
}: {
  link: string;
  withCopyButton?: boolean;
}) {
  const id = useId();
  return (
    <div className="share-link">
      <label htmlFor={id}>Share link</label>
      <div className="share-link-row">
        <input
          id={id}
          type="text"
          readOnly
          value={link}
          onFocus={(e) => e.currentTarget.select()}
        />
        {withCopyButton && <CopyLinkButton link={link} />}
      </div>
    </div>
  );
}
