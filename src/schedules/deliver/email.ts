// E-mail through SMTP (nodemailer): the report attached under the API's file name, a short
// body with the range, the row count and the data horizon. The Message-ID is the
// delivery's idempotency key, so a mail resent after a crash that hid its first sending
// is the same message to any mail system that de-duplicates.
import nodemailer from 'nodemailer';
import type { ConnectionOptions } from 'node:tls';
import type { Schedule } from '../file.ts';
import { DeliveryError, summaryLines, type Delivery } from './delivery.ts';

export interface MailSettings {
  /** SMTP_URL: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://... (TLS). */
  url: string;
  /** SMTP_FROM. */
  from: string;
  /** TLS options (a private CA); tests pass theirs here. */
  tls?: ConnectionOptions;
}

// nodemailer's codes for failures that asking again does not fix
const PERMANENT_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG']);

export async function sendEmail(d: Delivery, email: NonNullable<Schedule['email']>, mail: MailSettings): Promise<string> {
  const transport = nodemailer.createTransport({ url: mail.url, tls: mail.tls, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
  try {
    const info = (await transport.sendMail({
      from: mail.from,
      to: email.to,
      cc: email.cc,
      subject: `${email.subject ?? `APR report ${d.schedule}: ${d.rangeLabel}`}${d.notLoaded === null ? '' : ' (not complete)'}`,
      text: [`Scheduled report "${d.schedule}", attached as ${d.produced.filename}.`, '', ...summaryLines(d), ''].join('\n'),
      messageId: `<${d.idempotencyKey}@apr.schedules>`,
      headers: { 'X-APR-Schedule': d.schedule },
      attachments: [{ filename: d.produced.filename, path: d.produced.path, contentType: d.produced.contentType }],
    })) as { response?: string };
    return info.response ?? 'accepted';
  } catch (err) {
    const e = err as { code?: string; responseCode?: number; message: string };
    const permanent = PERMANENT_CODES.has(e.code ?? '') || (e.responseCode !== undefined && e.responseCode >= 500);
    throw new DeliveryError(`SMTP: ${e.message}`, !permanent);
  } finally {
    transport.close();
  }
}
