import type { Node } from 'constructs';

/** What an operator chooses with `cdk synth|deploy -c name=value` (all optional). */
export interface DeployOptions {
  /** ACM certificate (in the stack's region) for HTTPS on 443; 80 then answers 301 to it. */
  readonly certificateArn?: string | undefined;
  /** Without a certificate synth fails, unless plain HTTP is asked for explicitly (a trial, no real data). */
  readonly allowHttp?: boolean | undefined;
  /** Subscribes this address to the alarm topic (AWS mails a confirmation link first). */
  readonly alarmEmail?: string | undefined;
  /** Adds one RDS read replica; the tasks get its address as DB_READ_HOST (reports and insights read there). */
  readonly readReplica?: boolean | undefined;
  /** NAT gateways, 0 to 2 (default 1). 0: no internet egress; the AWS APIs the tasks need are VPC endpoints. */
  readonly natGateways?: number | undefined;
  /** An AWS WAF web ACL on the load balancer: AWS managed common and known-bad-input rules, a rate limit per address. */
  readonly waf?: boolean | undefined;
  /** OTLP/HTTP collector for traces (OTEL_EXPORTER_OTLP_ENDPOINT); tracing is off without it. */
  readonly otlpEndpoint?: string | undefined;
}

export class DeployOptionError extends Error {}

/** `-c flag=true` arrives as the string 'true'; cdk.json and tests may give a boolean. */
function flag(node: Node, name: string): boolean | undefined {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new DeployOptionError(`context ${name} must be true or false, got ${JSON.stringify(value)}`);
}

function text(node: Node, name: string): string | undefined {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new DeployOptionError(`context ${name} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function count(node: Node, name: string): number | undefined {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(parsed)) throw new DeployOptionError(`context ${name} must be a whole number, got ${JSON.stringify(value)}`);
  return parsed;
}

export function deployOptionsFromContext(node: Node): DeployOptions {
  return {
    certificateArn: text(node, 'certificateArn'),
    allowHttp: flag(node, 'allowHttp'),
    alarmEmail: text(node, 'alarmEmail'),
    readReplica: flag(node, 'readReplica'),
    natGateways: count(node, 'natGateways'),
    waf: flag(node, 'waf'),
    otlpEndpoint: text(node, 'otlpEndpoint'),
  };
}

export const httpsRequired =
  'SpendSense serves HTTPS by default and no certificate was given. Pass an ACM certificate from the ' +
  "stack's region: `cdk deploy -c certificateArn=arn:aws:acm:<region>:<account>:certificate/<id>` " +
  '(port 80 then redirects to 443), or accept plain HTTP for a trial without real data: `-c allowHttp=true`.';

/** Checks the options against each other; throws a DeployOptionError that says what to pass instead. */
export function checkDeployOptions(options: DeployOptions): void {
  if (!options.certificateArn && options.allowHttp !== true) throw new DeployOptionError(httpsRequired);
  if (options.certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(options.certificateArn)) {
    throw new DeployOptionError(`certificateArn ${JSON.stringify(options.certificateArn)} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`);
  }
  const nat = options.natGateways;
  if (nat !== undefined && (nat < 0 || nat > 2)) throw new DeployOptionError(`natGateways must be 0, 1 or 2 (one per availability zone at most), got ${nat}`);
  if (options.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(options.alarmEmail)) {
    throw new DeployOptionError(`alarmEmail ${JSON.stringify(options.alarmEmail)} is not an email address`);
  }
  if (options.otlpEndpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.otlpEndpoint);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new DeployOptionError(`otlpEndpoint must be an http(s) URL, got ${JSON.stringify(options.otlpEndpoint)}`);
  }
}
