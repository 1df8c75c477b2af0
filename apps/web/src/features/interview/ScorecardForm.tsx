import { useId, useState, type FormEvent } from 'react';
import type { RoomConnection } from '@tandem/client';
import {
  RECOMMENDATIONS,
  RUBRIC,
  type Recommendation,
  type RubricItem,
  type ScorecardBody,
  type ScorecardView,
} from '@tandem/protocol';
import { describeApiError } from '../../ui/errors';

const RUBRIC_LABELS: Record<RubricItem, string> = {
  problemSolving: 'Problem solving',
  codeQuality: 'Code quality',
  communication: 'Communication',
  testing: 'Testing',
};
const RECOMMENDATION_LABELS: Record<Recommendation, string> = {
  strong_no: 'Strong no',
  no: 'No',
  yes: 'Yes',
  strong_yes: 'Strong yes',
};

const EMPTY: ScorecardBody = {
  ratings: { problemSolving: null, codeQuality: null, communication: null, testing: null },
  recommendation: null,
  comments: '',
};

/** This interviewer's scorecard: the rubric 1–4, a recommendation, free text. Saved on the server, staff-only. */
export function ScorecardForm({ conn, own }: { conn: RoomConnection; own: ScorecardView | null }) {
  const id = useId();
  const [card, setCard] = useState<ScorecardBody>(() =>
    own
      ? { ratings: own.ratings, recommendation: own.recommendation, comments: own.comments }
      : EMPTY,
  );
  const [state, setState] = useState<{ saving: boolean; message: string | null }>({
    saving: false,
    message: own ? `Saved ${new Date(own.updatedAt).toLocaleTimeString()}` : null,
  });

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setState({ saving: true, message: null });
    try {
      const saved = await conn.saveScorecard(card);
      setState({
        saving: false,
        message: `Saved ${new Date(saved.updatedAt).toLocaleTimeString()}`,
      });
    } catch (err) {
      setState({ saving: false, message: `Not saved: ${describeApiError(err)}` });
    }
  }

  return (
    <form className="scorecard" onSubmit={save} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Your scorecard</h3>
      {RUBRIC.map((item) => (
        <fieldset key={item} className="rating">
          <legend>{RUBRIC_LABELS[item]}</legend>
          {[1, 2, 3, 4].map((n) => (
            <label key={n} className="rating-option">
              <input
                type="radio"
                name={`${id}-${item}`}
                value={n}
                checked={card.ratings[item] === n}
                onChange={() => setCard({ ...card, ratings: { ...card.ratings, [item]: n } })}
              />
              <span>{n}</span>
            </label>
          ))}
        </fieldset>
      ))}
      <div className="field">
        <label htmlFor={`${id}-rec`}>Recommendation</label>
        <select
          id={`${id}-rec`}
          value={card.recommendation ?? ''}
          onChange={(e) =>
            setCard({ ...card, recommendation: (e.target.value || null) as Recommendation | null })
          }
        >
          <option value="">Not decided</option>
          {RECOMMENDATIONS.map((r) => (
            <option key={r} value={r}>
              {RECOMMENDATION_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-comments`}>Comments</label>
        <textarea
          id={`${id}-comments`}
          rows={4}
          value={card.comments}
          maxLength={20_000}
          onChange={(e) => setCard({ ...card, comments: e.target.value })}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={state.saving}>
          {state.saving ? 'Saving…' : 'Save scorecard'}
        </button>
        {state.message && (
          <span className="field-hint" role="status">
            {state.message}
          </span>
        )}
      </div>
    </form>
  );
}
