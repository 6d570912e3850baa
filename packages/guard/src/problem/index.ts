export type { BearerChallengeOptions } from './challenge.ts';
export { authChallenge, bearerChallenge, DEFAULT_REALM } from './challenge.ts';
export type { ProblemAnswer, ProblemBody, ProblemDetails, ProblemFieldError } from './problem-details.ts';
export { MAX_PROBLEM_ERRORS, PROBLEM_CONTENT_TYPE, problemAnswer, problemBody } from './problem-details.ts';
export { problemCodeForStatus, problemTitleForStatus } from './status-codes.ts';
