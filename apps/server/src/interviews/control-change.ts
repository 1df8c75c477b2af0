import type { InterviewCommand } from '@tandem/protocol';
import { AppError } from '../errors.js';
import type { InterviewPatch, StoredInterview, TimelineEntry } from '../store/store.js';
import { newKey } from './credentials.js';

type Entry = Omit<TimelineEntry, 'roomId'>;

/** The commands that change the interview's own controls (not a participant). */
export type ControlCommand = Exclude<
  InterviewCommand,
  { type: 'admit' | 'deny' | 'remove' | 'set-role' }
>;

export function isControlCommand(command: InterviewCommand): command is ControlCommand {
  return !['admit', 'deny', 'remove', 'set-role'].includes(command.type);
}

/**
 * What one control command writes, given the interview as stored now: the
 * patch and its timeline entry, for one transaction. Pure; throws the
 * catalogue's error when the command does not apply (ended, no hint left).
 */
export function controlChange(
  command: ControlCommand,
  current: StoredInterview,
  entry: (type: string, payload?: Record<string, unknown>) => Entry,
  hintLadder: (problemId: string) => readonly string[],
): { patch: InterviewPatch; entry: Entry } {
  if (current.endedAt) throw new AppError('INTERVIEW_ENDED');
  switch (command.type) {
    case 'set-problem': {
      const { problemId } = command;
      return {
        patch: { problemId, revealedHints: [] },
        entry: entry('interview.problem-set', { problemId }),
      };
    }
    case 'reveal-hint': {
      if (current.problemId === null) {
        throw new AppError('NO_HINT_LEFT', 'Assign a problem first: hints belong to a problem.');
      }
      const index = current.revealedHints.length;
      if (index >= hintLadder(current.problemId).length) throw new AppError('NO_HINT_LEFT');
      const at = new Date();
      return {
        patch: { revealedHints: [...current.revealedHints, { index, at }] },
        entry: { ...entry('interview.hint-revealed', { problemId: current.problemId, index }), at },
      };
    }
    case 'set-editor-locked':
      return {
        patch: { editorLocked: command.locked },
        entry: entry(command.locked ? 'interview.editor-locked' : 'interview.editor-unlocked'),
      };
    case 'set-run-enabled':
      return {
        patch: { runEnabled: command.enabled },
        entry: entry(command.enabled ? 'interview.run-enabled' : 'interview.run-disabled'),
      };
    case 'end':
      return { patch: { endedAt: new Date() }, entry: entry('interview.ended') };
    case 'rotate-link':
      return {
        patch:
          command.link === 'interviewer'
            ? { interviewerKey: newKey() }
            : { candidateKey: newKey() },
        entry: entry('interview.link-rotated', { link: command.link }),
      };
  }
}
