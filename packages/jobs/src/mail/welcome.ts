/** The welcome email: plain text and HTML, every user-supplied value escaped. */
export interface WelcomeInput {
  displayName: string;
  /** Where Tandem is reached (PUBLIC_URL). */
  appUrl: string;
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Control characters (a name with a newline must not shape the email). */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function renderWelcome(input: WelcomeInput): {
  subject: string;
  text: string;
  html: string;
} {
  const name = oneLine(input.displayName);
  const url = input.appUrl;
  const text = [
    `Hi ${name},`,
    '',
    'Welcome to Tandem. Your account is ready.',
    '',
    `Sign in at ${url} to create an interview room, invite your co-interviewers`,
    'and send the candidate their link.',
    '',
    'If you did not sign up, you can ignore this email.',
    '',
    '— Tandem',
    '',
  ].join('\n');
  const html = `<!doctype html>
<html lang="en">
  <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a">
    <p>Hi ${escapeHtml(name)},</p>
    <p>Welcome to Tandem. Your account is ready.</p>
    <p>
      <a href="${escapeHtml(url)}">Sign in to Tandem</a> to create an interview room, invite your
      co-interviewers and send the candidate their link.
    </p>
    <p style="color: #555">If you did not sign up, you can ignore this email.</p>
    <p>— Tandem</p>
  </body>
</html>
`;
  return { subject: 'Welcome to Tandem', text, html };
}
