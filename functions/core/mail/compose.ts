/**
 * MIME composition, shared by every mailer (SESv2 raw in AWS, the `.eml` outbox locally), so
 * what lands in the outbox is byte-for-byte the kind of message SES sends. nodemailer's
 * MailComposer does the hard parts: RFC 2047 subjects, RFC 2231 UTF-8 attachment names,
 * quoted-printable/base64 bodies, multipart/alternative + mixed, and multipart/related for the
 * pictures the HTML shows by Content-ID (an attachment with a `cid` goes inline).
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingEmail } from '../ports';

export interface ComposeOptions {
  /** Message-ID to use (angle brackets included); generated when omitted. */
  messageId?: string;
  date?: Date;
}

/** Builds the raw RFC 5322 message (CRLF line endings) for an outgoing email. */
export async function composeMime(message: OutgoingEmail, options: ComposeOptions = {}): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    cc: message.cc && message.cc.length > 0 ? message.cc : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: options.messageId,
    date: options.date,
    attachments: (message.attachments ?? []).map((a) =>
      a.cid === undefined
        ? { filename: a.filename, content: a.content, contentType: a.contentType }
        : { filename: a.filename, content: a.content, contentType: a.contentType, cid: a.cid, contentDisposition: 'inline' as const },
    ),
  });
  return composer.compile().build();
}

/** The base64-encoded size of `bytes` in a MIME part (76-character lines, CRLF). */
export function base64MimeSize(bytes: number): number {
  const encoded = Math.ceil(bytes / 3) * 4;
  return encoded + Math.ceil(encoded / 76) * 2;
}
