/**
 * The local `Mailer`: writes each message as an `.eml` file under `<dataDir>/outbox/`
 * (`<yyyymmddThhmmss.mmm>-<slug>.eml`), built by the same MIME composer SES is fed in AWS, so
 * what you open locally (Thunderbird, Outlook, `mailparser`) is what leadership would receive.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeMime } from '../../functions/core/mail/compose';
import type { Clock, Mailer, OutgoingEmail } from '../../functions/core/ports';
import { systemClock } from '../../functions/core/ports';

export interface OutboxMailerOptions {
  /** The outbox folder, usually `<dataDir>/outbox`. Created when missing. */
  dir: string;
  clock?: Clock;
  /** Called with the file path of each message written (the runtime logs it). */
  onWritten?: (file: string, message: OutgoingEmail) => void;
}

/** ASCII slug of a subject for the file name: "Tổng hợp … Quý I" → "tong-hop-quy-i". */
export function subjectSlug(subject: string): string {
  const slug = subject
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 80).replace(/-+$/, '') || 'email';
}

export class OutboxMailer implements Mailer {
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly onWritten?: OutboxMailerOptions['onWritten'];

  constructor(options: OutboxMailerOptions) {
    this.dir = options.dir;
    this.clock = options.clock ?? systemClock;
    this.onWritten = options.onWritten;
  }

  async send(message: OutgoingEmail): Promise<{ messageId: string }> {
    const now = this.clock.now();
    const messageId = `<${now.getTime().toString(36)}.${randomBytes(6).toString('hex')}@tonghop.local>`;
    const raw = await composeMime(message, { messageId, date: now });
    await mkdir(this.dir, { recursive: true });
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('Z', '');
    const file = join(this.dir, `${stamp}-${randomBytes(2).toString('hex')}-${subjectSlug(message.subject)}.eml`);
    // `wx`: never overwrite a message already in the outbox.
    await writeFile(file, raw, { flag: 'wx' });
    this.onWritten?.(file, message);
    return { messageId };
  }
}

/** The outbox mailer (see `OutboxMailer`). */
export function createOutboxMailer(options: OutboxMailerOptions): OutboxMailer {
  return new OutboxMailer(options);
}
