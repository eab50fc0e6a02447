import nodemailer from 'nodemailer';
import { summary, type Alerter } from './types.js';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  to: string | string[];
  user?: string;
  pass?: string;
}

/** E-mail through any SMTP server (nodemailer), one message per alert. */
export function smtpAlerter(cfg: SmtpConfig): Alerter {
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    auth: cfg.user ? { user: cfg.user, pass: cfg.pass ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    name: 'smtp',
    async send(r) {
      const votes = Object.entries(r.votes)
        .map(([k, v]) => `  ${k}: ${v === null ? 'no vote' : v}`)
        .join('\n');
      await transport.sendMail({
        from: cfg.from,
        to: cfg.to,
        subject: `[kale] anomalous: ${r.metric}`,
        text: `${summary(r)}\n\nmetric:  ${r.metric}\nvalue:   ${r.value}\ntime:    ${new Date(r.timestamp * 1000).toISOString()}\nscore:   ${r.score}\nepisode: ${r.episode}\npreset:  ${r.preset}\nvotes:\n${votes}\n`,
      });
    },
    async close() {
      transport.close();
    },
  };
}
