// The dashboard's structured log (pino, to stdout): who signed in, who approved or
// rejected what, and actions that failed. Never a password, token or cookie.
import pino from 'pino';

export const dashboardLog = pino({ name: 'dashboard', level: process.env.LOG_LEVEL ?? 'info' });
