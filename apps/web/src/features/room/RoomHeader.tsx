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
  people,
  link,
}: {
  title: string;
  language: LanguageId;
  onLanguageChange: (language: LanguageId) => void;
  languageBusy: boolean;
  /** Editor languages that can run on this server; null until known. */
  runnable: string[] | null;
  status: ConnectionStatus;
  pendingCount: number;
  people: Person[];
  link: string;
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
            disabled={languageBusy || status !== 'connected'}
            runnable={runnable}
          />
        </div>
        <CopyLinkButton link={link} />
      </div>
      <div className="room-header-meta">
        <ConnectionIndicator status={status} pendingCount={pendingCount} />
        <PresenceList people={people} />
        <AccountBar />
      </div>
    </header>
  );
}
