/** Twilio's Messages API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded. */

export interface TwilioSettings {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs: number;
}

export class TwilioError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TwilioError';
  }
}

/** Sends one SMS; resolves with Twilio's message SID. */
export async function sendSms(s: TwilioSettings, to: string, body: string): Promise<string> {
  const url = `${s.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Messages.json`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    },
    body: new URLSearchParams({ To: to, From: s.from, Body: body }).toString(),
    signal: AbortSignal.timeout(s.timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) {
    // Twilio's error code only: its `message` can quote the recipient's number.
    let code: unknown;
    try {
      code = (JSON.parse(text) as { code?: unknown }).code;
    } catch {
      // not JSON
    }
    throw new TwilioError(`Twilio answered HTTP ${res.status}${Number.isInteger(code) ? ` (error ${String(code)})` : ''}`, res.status);
  }
  try {
    return (JSON.parse(text) as { sid?: string }).sid ?? '';
  } catch {
    return '';
  }
}
