// Settings of the LLM path. The lead's config module builds these from the
// environment (validated with zod); everything here is plain data.

export interface LlmSettings {
  /** an OpenAI-compatible endpoint, up to and including the API version (`.../v1`) */
  baseURL: string;
  /** absent: the LLM path is disabled and the judge decides alone */
  apiKey?: string;
  model: string;
  /** per attempt, in milliseconds */
  timeoutMs: number;
  /** retries after the first attempt (timeouts, connection errors, 408/409/429/5xx) */
  maxRetries: number;
}

export const DEFAULT_LLM_SETTINGS: Readonly<Omit<LlmSettings, 'apiKey'>> = Object.freeze({
  baseURL: 'https://api.together.xyz/v1',
  model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
  timeoutMs: 20_000,
  maxRetries: 1,
});
