import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import {
  AVATAR_MAX_BYTES,
  AVATAR_MAX_PIXELS,
  RESUME_MAX_BYTES,
  type ProfileFiles,
} from '@tandem/protocol';
import { api } from '../../app/api';
import { describeApiError } from '../../ui/errors';
import { formatBytes } from '../../ui/format';

/** The account's avatar and resume: preview, upload, download, remove. */
export function UploadsPanel() {
  const [files, setFiles] = useState<ProfileFiles | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    api.files().then(setFiles, (e: unknown) => setLoadError(describeApiError(e)));
  }, []);

  if (!files)
    return loadError ? (
      <p className="alert" role="alert">
        Your files could not be loaded: {loadError}
      </p>
    ) : (
      <p className="loading" role="status">
        Loading your files…
      </p>
    );
  return (
    <>
      <AvatarSection files={files} onChange={setFiles} />
      <ResumeSection files={files} onChange={setFiles} />
    </>
  );
}

interface SectionProps {
  files: ProfileFiles;
  onChange: (files: ProfileFiles) => void;
}

function AvatarSection({ files, onChange }: SectionProps) {
  const id = useId();
  const action = useFileAction(onChange);
  return (
    <section
      className="card form"
      aria-labelledby={`${id}-heading`}
      aria-busy={action.busy !== null}
    >
      <h2 id={`${id}-heading`}>Avatar</h2>
      <div className="upload-row">
        {files.avatarUrl ? (
          <img className="avatar-preview" src={files.avatarUrl} alt="Your avatar" />
        ) : (
          <div className="avatar-preview avatar-empty">No avatar yet</div>
        )}
        <FileInput
          id={`${id}-file`}
          label={files.avatarUrl ? 'Replace the avatar' : 'Upload an avatar'}
          hint={`PNG, JPEG or WebP, at most ${formatBytes(AVATAR_MAX_BYTES)} and ${AVATAR_MAX_PIXELS / 1_000_000} megapixels. It is cropped to a square.`}
          accept="image/png,image/jpeg,image/webp"
          maxBytes={AVATAR_MAX_BYTES}
          action={action}
          upload={(file) => api.uploadAvatar(file, file.name)}
        />
      </div>
      <ActionError action={action} />
      {files.avatarUrl && (
        <div className="actions-inline">
          <button
            type="button"
            className="button button-secondary"
            disabled={action.busy !== null}
            onClick={() => action.run('Removing the avatar…', () => api.removeAvatar())}
          >
            Remove avatar
          </button>
        </div>
      )}
    </section>
  );
}

function ResumeSection({ files, onChange }: SectionProps) {
  const id = useId();
  const action = useFileAction(onChange);
  const resume = files.resume;

  async function download() {
    if (!resume) return;
    // The download needs the bearer token, so it is fetched and saved from memory.
    await action.run(`Downloading ${resume.fileName}…`, async () => {
      const blob = await api.downloadResume();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = resume.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      return files;
    });
  }

  return (
    <section
      className="card form"
      aria-labelledby={`${id}-heading`}
      aria-busy={action.busy !== null}
    >
      <h2 id={`${id}-heading`}>Resume</h2>
      {resume ? (
        <p className="resume-details">
          <strong>{resume.fileName}</strong> · {formatBytes(resume.bytes)} · uploaded{' '}
          <time dateTime={resume.uploadedAt}>{new Date(resume.uploadedAt).toLocaleString()}</time>
        </p>
      ) : (
        <p className="field-hint">No resume yet. Upload one to share it with your interviewers.</p>
      )}
      <FileInput
        id={`${id}-file`}
        label={resume ? 'Replace the resume' : 'Upload a resume'}
        hint={`A PDF, at most ${formatBytes(RESUME_MAX_BYTES)}.`}
        accept="application/pdf,.pdf"
        maxBytes={RESUME_MAX_BYTES}
        action={action}
        upload={(file) => api.uploadResume(file, file.name)}
      />
      <ActionError action={action} />
      {resume && (
        <div className="actions-inline">
          <button
            type="button"
            className="button button-secondary"
            disabled={action.busy !== null}
            onClick={download}
          >
            Download {resume.fileName}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={action.busy !== null}
            onClick={() => action.run('Removing the resume…', () => api.removeResume())}
          >
            Remove resume
          </button>
        </div>
      )}
    </section>
  );
}

interface FileAction {
  /** What is happening now ("Uploading cv.pdf (120 KB)…"), or null. */
  busy: string | null;
  error: string | null;
  run: (label: string, work: () => Promise<ProfileFiles>) => Promise<void>;
  fail: (message: string) => void;
}

function useFileAction(onChange: (files: ProfileFiles) => void): FileAction {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return {
    busy,
    error,
    fail: setError,
    async run(label, work) {
      setBusy(label);
      setError(null);
      try {
        onChange(await work());
      } catch (e) {
        setError(describeApiError(e));
      } finally {
        setBusy(null);
      }
    },
  };
}

/** Uploads the chosen file at once. `accept` only guides the picker: the server decides the type. */
function FileInput(props: {
  id: string;
  label: string;
  hint: string;
  accept: string;
  maxBytes: number;
  action: FileAction;
  upload: (file: File) => Promise<ProfileFiles>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { action } = props;

  async function chosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > props.maxBytes) {
      action.fail(
        `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(props.maxBytes)}. Pick a smaller file.`,
      );
    } else {
      await action.run(`Uploading ${file.name} (${formatBytes(file.size)})…`, () =>
        props.upload(file),
      );
    }
    // Choosing the same file again (after fixing it) fires a new change.
    if (input.current) input.current.value = '';
  }

  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        ref={input}
        id={props.id}
        className="file-input"
        type="file"
        accept={props.accept}
        disabled={action.busy !== null}
        aria-describedby={`${props.id}-hint`}
        onChange={chosen}
      />
      <p id={`${props.id}-hint`} className="field-hint">
        {props.hint}
      </p>
      {/* Always rendered, so screen readers announce what appears in it. */}
      <p className="loading upload-status" role="status">
        {action.busy ?? ''}
      </p>
    </div>
  );
}

function ActionError({ action }: { action: FileAction }) {
  return (
    action.error && (
      <p className="alert" role="alert">
        {action.error}
      </p>
    )
  );
}
