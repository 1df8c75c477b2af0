import { describe, expect, it } from 'vitest';
import { renderWelcome } from './welcome.js';

describe('renderWelcome', () => {
  it('escapes the name in HTML and links to the app in both parts', () => {
    const mail = renderWelcome({
      displayName: '<script>alert("x")</script> & Co\'s',
      appUrl: 'https://tandem.example.com/',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s');
    expect(mail.html).toContain('href="https://tandem.example.com/"');
    expect(mail.text).toContain('Hi <script>alert("x")</script> & Co\'s,');
    expect(mail.text).toContain('https://tandem.example.com/');
  });

  it('keeps a name on one line', () => {
    const mail = renderWelcome({
      displayName: 'Ada\r\nBcc: x@evil.test',
      appUrl: 'http://localhost:3000',
    });
    expect(mail.text.split('\n')[0]).toBe('Hi Ada Bcc: x@evil.test,');
  });
});
