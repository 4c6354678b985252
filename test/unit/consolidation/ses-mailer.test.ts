import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { simpleParser } from 'mailparser';
import { SesMailer } from '../../../functions/adapters/ses-mailer';

const ses = mockClient(SESv2Client);

describe('SesMailer', () => {
  beforeEach(() => ses.reset());

  describe('sending', () => {
    it('sends the composed MIME as raw content with the attachment and Vietnamese subject intact', async () => {
      // Arrange
      ses.on(SendEmailCommand).resolves({ MessageId: 'ses-123' });
      const mailer = new SesMailer({ client: new SESv2Client({ region: 'ap-southeast-1' }), configurationSetName: 'tonghop' });
      const workbook = Buffer.from('PK\u0003\u0004 fake xlsx bytes');

      // Act
      const { messageId } = await mailer.send({
        from: 'Ban Tổ chức <tonghop@tinhuy.example.vn>',
        to: ['thuongtruc@tinhuy.example.vn'],
        cc: ['bantochuc@tinhuy.example.vn'],
        subject: 'Tổng hợp — Quý I năm 2019 — 3/4 đơn vị đã báo cáo',
        text: 'Nội dung',
        html: '<p>Nội dung</p>',
        attachments: [{ filename: 'Tổng hợp - Quý I năm 2019.xlsx', content: workbook, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }],
      });

      // Assert
      expect(messageId).toBe('ses-123');
      expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
        FromEmailAddress: 'Ban Tổ chức <tonghop@tinhuy.example.vn>',
        Destination: { ToAddresses: ['thuongtruc@tinhuy.example.vn'], CcAddresses: ['bantochuc@tinhuy.example.vn'] },
        ConfigurationSetName: 'tonghop',
      });
      const raw = ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Raw!.Data!;
      const parsed = await simpleParser(Buffer.from(raw));
      expect(parsed.subject).toBe('Tổng hợp — Quý I năm 2019 — 3/4 đơn vị đã báo cáo');
      expect(parsed.attachments[0]!.filename).toBe('Tổng hợp - Quý I năm 2019.xlsx');
      expect(parsed.attachments[0]!.content.equals(workbook)).toBe(true);
    });

    it('sends a picture with a Content-ID inline, inside multipart/related, beside the attached files', async () => {
      // Arrange
      ses.on(SendEmailCommand).resolves({ MessageId: 'ses-124' });
      const mailer = new SesMailer({ client: new SESv2Client({ region: 'ap-southeast-1' }) });
      const png = Buffer.from('\u0089PNG\r\n\u001a\n fake png');

      // Act
      await mailer.send({
        from: 'a@b.vn',
        to: ['c@d.vn'],
        subject: 'Biểu đồ',
        text: 'Biểu đồ: 49/50 đơn vị đã báo cáo.',
        html: '<p><img src="cid:bieu-do-tinh-hinh@tonghop" alt="49/50 đơn vị đã báo cáo"></p>',
        attachments: [
          { filename: 'bieu-do-tinh-hinh.png', content: png, contentType: 'image/png', cid: 'bieu-do-tinh-hinh@tonghop' },
          { filename: 'Dự thảo báo cáo.docx', content: Buffer.from('PK docx'), contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
        ],
      });

      // Assert
      const raw = Buffer.from(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Raw!.Data!);
      expect(raw.toString('latin1')).toContain('multipart/related; type="text/html"');
      const parsed = await simpleParser(raw, { keepCidLinks: true });
      expect(parsed.attachments.map((a) => [a.contentDisposition, a.cid ?? null, a.filename])).toEqual([
        ['inline', 'bieu-do-tinh-hinh@tonghop', 'bieu-do-tinh-hinh.png'],
        ['attachment', null, 'Dự thảo báo cáo.docx'],
      ]);
      expect(parsed.html).toContain('src="cid:bieu-do-tinh-hinh@tonghop"');
    });

    it('fails loudly when SES rejects the message, so the caller releases its claim', async () => {
      expect.assertions(1);
      ses.on(SendEmailCommand).rejects(new Error('MessageRejected: Email address is not verified'));
      const mailer = new SesMailer({ client: new SESv2Client({ region: 'ap-southeast-1' }) });
      await expect(mailer.send({ from: 'a@b.vn', to: ['c@d.vn'], subject: 's', text: 't', html: '<p>t</p>' })).rejects.toThrow('not verified');
    });
  });
});
