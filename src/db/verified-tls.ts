import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

/**
 * libpq's verifying TLS modes, for slonik. Its URL parser accepts only sslmode=disable, no-verify
 * or require (and throws on verify-full), and never uses sslrootcert: `require` trusts Node's
 * default CAs, which do not include the RDS bundle. So with verify-full or verify-ca the two
 * parameters leave the URL and become the pool's TLS options instead: the CA file's certificates,
 * and the server's name checked against its certificate (Node's default). verify-ca checks the
 * name too, as node-postgres does with it: one URL never means less to one driver than the other.
 * node-postgres, which the migrator uses, reads sslmode and sslrootcert itself.
 */
export function slonikTls(connectionUri: string): { connectionUri: string; ssl?: ConnectionOptions } {
  const url = new URL(connectionUri);
  const mode = url.searchParams.get('sslmode');
  if (mode !== 'verify-full' && mode !== 'verify-ca') return { connectionUri };
  const rootCert = url.searchParams.get('sslrootcert');
  url.searchParams.delete('sslmode');
  url.searchParams.delete('sslrootcert');
  const ssl: ConnectionOptions = { rejectUnauthorized: true };
  if (rootCert) {
    try {
      ssl.ca = readFileSync(rootCert, 'utf8');
    } catch (error) {
      throw new Error(`sslrootcert (DB_SSL_ROOT_CERT): cannot read ${rootCert} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    }
  }
  return { connectionUri: url.toString(), ssl };
}
