interface ImportMetaEnv {
  /** The auth service's URL; default http://localhost:3000. */
  readonly TESSERA_AUTH_URL?: string;
  /** The tasks service's URL; default http://localhost:3001. */
  readonly TESSERA_TASKS_URL?: string;
}
