import type {
  InterviewState,
  ParticipantView,
  Recommendation,
  ScorecardView,
  StaffView,
} from '@tandem/protocol';
import type { Problem } from '../runs/problems.js';
import type { StoredInterview, StoredParticipant, StoredScorecard } from '../store/store.js';

/** What everyone admitted sees: revealed hints only, with their texts and times. */
export function toInterviewState(
  interview: StoredInterview,
  problem: Problem | undefined,
): InterviewState {
  const ladder = problem?.hints ?? [];
  return {
    problemId: interview.problemId,
    hints: interview.revealedHints
      .filter((h) => h.index < ladder.length)
      .map((h) => ({ index: h.index, text: ladder[h.index]!, revealedAt: h.at.toISOString() })),
    hintCount: ladder.length,
    editorLocked: interview.editorLocked,
    runEnabled: interview.runEnabled,
    endedAt: interview.endedAt?.toISOString() ?? null,
  };
}

export function toParticipantView(p: StoredParticipant): ParticipantView {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    role: p.role,
    status: p.status,
    hasAccount: p.accountId !== null,
    createdAt: p.createdAt.toISOString(),
  };
}

export function toScorecardView(
  s: StoredScorecard,
  participants: StoredParticipant[],
): ScorecardView {
  const r = s.ratings;
  return {
    participantId: s.participantId,
    authorName: participants.find((p) => p.id === s.participantId)?.name ?? 'Interviewer',
    ratings: {
      problemSolving: r['problemSolving'] ?? null,
      codeQuality: r['codeQuality'] ?? null,
      communication: r['communication'] ?? null,
      testing: r['testing'] ?? null,
    },
    recommendation: s.recommendation as Recommendation | null,
    comments: s.comments,
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toStaffView(
  participants: StoredParticipant[],
  scorecards: StoredScorecard[],
  problem: Problem | undefined,
): StaffView {
  return {
    // Denied requests and removed people stay on the timeline, not in the panel.
    participants: participants
      .filter((p) => p.status === 'waiting' || p.status === 'admitted')
      .map(toParticipantView),
    hintLadder: problem?.hints ?? [],
    scorecards: scorecards.map((s) => toScorecardView(s, participants)),
  };
}
