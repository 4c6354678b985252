/**
 * `Mailer` on Amazon SES (API v2): the message is composed by the shared MIME composer
 * (functions/core/mail/compose.ts, the same bytes the local outbox writes) and sent as
 * `Content.Raw`, which is what carries the workbook attachment (SES's simple content has none).
 * Recipients are passed as `Destination` too, so SES does not depend on header parsing.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { composeMime } from '../core/mail/compose';
import type { AppSettings } from '../config';
import type { Mailer, OutgoingEmail } from '../core/ports';

export interface SesMailerOptions {
  client: SESv2Client;
  /** SES configuration set (event publishing: bounces, complaints), when configured. */
  configurationSetName?: string;
}

export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly configurationSetName?: string;

  constructor(options: SesMailerOptions) {
    this.client = options.client;
    this.configurationSetName = options.configurationSetName;
  }

  async send(message: OutgoingEmail): Promise<{ messageId: string }> {
    const raw = await composeMime(message);
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: message.to, CcAddresses: message.cc && message.cc.length > 0 ? message.cc : undefined },
        Content: { Raw: { Data: raw } },
        ConfigurationSetName: this.configurationSetName,
      }),
    );
    if (!out.MessageId) throw new Error('SES SendEmail returned no MessageId');
    return { messageId: out.MessageId };
  }
}

/** The SES mailer the configuration names (its configuration set, when one is set). */
export function sesMailerFor(client: SESv2Client, settings: Pick<AppSettings, 'mail'>): SesMailer {
  return new SesMailer({ client, configurationSetName: settings.mail.configurationSet });
}
