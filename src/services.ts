import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { Config } from './config.ts';

/**
 * What the app runs on. `userPool` serves authenticated operations only: its sessions name their
 * current user (see db/user-scope.ts). `pool` serves public operations and never names anyone, so
 * a connection that names someone is never handed to code that does not name the caller itself.
 * `replicaPool`, when a read replica is configured, serves the reads whose entries say
 * `replica: true`, named like the user pool's; read-only, and never the only way to an answer.
 */
export type AppServices = { config: Config; pool: DatabasePool; userPool: DatabasePool; replicaPool?: DatabasePool | undefined; logger: Logger };
