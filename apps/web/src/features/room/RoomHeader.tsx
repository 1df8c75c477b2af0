import { useId } from 'react';
import type { ConnectionStatus } from '@tandem/client';
import type { LanguageId } from '@tandem/protocol';
import type { Person } from '../../connection/usePresence';
import { Brand } from '../../ui/Brand';
import { AccountBar } from '../account/AccountBar';
import { CopyLinkButton } from '../../ui/CopyLinkButton';
import { LanguageSelect } from '../../ui/LanguageSelect';
import { ConnectionIndicator } from './ConnectionIndicator';
import { PresenceList } from './PresenceList';

export function RoomHeader({
  title,
  language,
  onLanguageChange,
  languageBusy,
  runnable,
  status,
  pendingCount,
  savingDelayed = false,
  people,
  link,
  languageLocked = false,
}: {
  title: string;
  language: LanguageId;
  onLanguageChange: (language: LanguageId) => void;
  languageBusy: boolean;
  /** Editor languages that can run on this server; null until known. */
  runnable: string[] | null;
  status: ConnectionStatus;
  pendingCount: number;
  /** The server said saving waits for its database. */
  savingDelayed?: boolean;
  people: Person[];
  /** The room link to copy; null in interview rooms (people join with their invite link). */
  link: string | null;
  /** The editor is read-only for this person, and so is the language. */
  languageLocked?: boolean;
}) {
  const id = useId();
  return (
    <header className="room-header">
      <div className="room-header-main">
        <Brand />
        <h1 className="room-title" title={title}>
          {title}
        </h1>
      </div>
      <div className="room-header-tools">
        <div className="inline-field">
          <label htmlFor={`${id}-language`}>Language</label>
          <LanguageSelect
            id={`${id}-language`}
            value={language}
            onChange={onLanguageChange}
            disabled={languageBusy || languageLocked || status !== 'connected'}
            runnable={runnable}
          />
        </div>
        {link !== null && <CopyLinkButton link={link} />}
      </div>
      <div className="room-header-meta">
        <ConnectionIndicator
          status={status}
          pendingCount={pendingCount}
          savingDelayed={savingDelayed}
        />
        <PresenceList people={people} />
        <AccountBar />
      </div>
    </header>
  );
}
