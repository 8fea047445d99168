// The `-c name=value` options: what is refused, and what each one changes in the template.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Match } from 'aws-cdk-lib/assertions';
import { DeployOptionError } from '../lib/context';
import { WAF_RATE_LIMIT_PER_5_MINUTES } from '../lib/waf';
import { certificateArn, container, environmentOf, findCycle, dependencyGraph, one, referencedIds, synthFromContext } from './helpers';

describe('without a certificate', () => {
  it('refuses to synthesize unless plain HTTP is asked for, saying how to pass either', () => {
    assert.throws(() => synthFromContext({}), (error: unknown) => {
      assert.ok(error instanceof DeployOptionError);
      assert.match(error.message, /HTTPS by default/);
      assert.match(error.message, /-c certificateArn=arn:aws:acm:/);
      assert.match(error.message, /-c allowHttp=true/);
      return true;
    });
    assert.throws(() => synthFromContext({ allowHttp: 'false' }), /HTTPS by default/);
  });

  it('stops `cdk synth` (bin/spendsense.ts) with that message and exit code 1, no stack trace', async () => {
    const deployRoot = path.join(__dirname, '..');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/spendsense.ts'], {
      cwd: deployRoot,
      // What the CDK CLI hands the app: its context as JSON, and where to write the assembly.
      env: { ...process.env, CDK_CONTEXT_JSON: '{}', CDK_OUTDIR: mkdtempSync(path.join(tmpdir(), 'spendsense-cdk-')) },
    });
    await assert.rejects(run, (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /serves HTTPS by default and no certificate was given/);
      assert.doesNotMatch(error.stderr ?? '', /at new SpendSenseStack/);
      return true;
    });
  });

  it('serves plain HTTP on 80 only with allowHttp=true', () => {
    const template = synthFromContext({ allowHttp: 'true' });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  it('rejects options that are not what they say', () => {
    assert.throws(() => synthFromContext({ allowHttp: 'yes' }), /allowHttp must be true or false/);
    assert.throws(() => synthFromContext({ certificateArn: 'abc' }), /not an ACM certificate ARN/);
    assert.throws(() => synthFromContext({ certificateArn, natGateways: '3' }), /natGateways must be 0, 1 or 2/);
    assert.throws(() => synthFromContext({ certificateArn, alarmEmail: 'ops' }), /not an email address/);
    assert.throws(() => synthFromContext({ certificateArn, otlpEndpoint: 'collector:4318' }), /otlpEndpoint must be an http\(s\) URL/);
  });
});

describe('waf=true', () => {
  const template = synthFromContext({ certificateArn, waf: 'true' });

  it('puts a web ACL on the load balancer: a rate limit per address, then the AWS managed rules', () => {
    const [webAcl] = one(template, 'AWS::WAFv2::WebACL');
    const [loadBalancer] = one(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RateLimitPerAddress',
          Action: { Block: {} },
          Statement: { RateBasedStatement: Match.objectLike({ Limit: WAF_RATE_LIMIT_PER_5_MINUTES, AggregateKeyType: 'IP' }) },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              Name: 'AWSManagedRulesCommonRuleSet',
              // Statement uploads are larger than the rule's 8 KB body limit.
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
      ],
    });
    const [, association] = one(template, 'AWS::WAFv2::WebACLAssociation');
    assert.ok(referencedIds(association.Properties!.ResourceArn).has(loadBalancer));
    assert.ok(referencedIds(association.Properties!.WebACLArn).has(webAcl));
  });
});

describe('natGateways', () => {
  it('=2 puts a NAT gateway in each zone', () => {
    synthFromContext({ certificateArn, natGateways: '2' }).resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  describe('=0', () => {
    const template = synthFromContext({ certificateArn, natGateways: '0' });

    it('has no NAT gateway and no route out of the app subnets', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      for (const route of Object.values(template.findResources('AWS::EC2::Route'))) {
        assert.ok(!('NatGatewayId' in route.Properties));
      }
    });

    it('reaches ECR, CloudWatch Logs and Secrets Manager through VPC endpoints instead', () => {
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
      for (const service of ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 's3']) {
        assert.ok(endpoints.some((name) => name.includes(`.${service}`)), service);
      }
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    });

    it('still runs the tasks in the app subnets and has no dependency cycle', () => {
      const [, service] = one(template, 'AWS::ECS::Service');
      const subnets = [...referencedIds((service.Properties!.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: unknown } }).AwsvpcConfiguration.Subnets)];
      assert.deepEqual(subnets.map((subnet) => subnet.replace(/Subnet[0-9A-F]{8}$/, '')).sort(), ['VpcappSubnet1', 'VpcappSubnet2']);
      assert.equal(findCycle(dependencyGraph(template)), undefined);
    });
  });
});

describe('readReplica, alarmEmail and otlpEndpoint together', () => {
  const template = synthFromContext({
    certificateArn,
    readReplica: 'true',
    alarmEmail: 'ops@example.com',
    otlpEndpoint: 'http://collector.internal:4318',
  });
  const [primary] = Object.entries(template.findResources('AWS::RDS::DBInstance')).find(([, instance]) => !instance.Properties.SourceDBInstanceIdentifier)!;

  it('adds one read replica of the primary, private like it, and tells the tasks its address', () => {
    const instances = Object.entries(template.findResources('AWS::RDS::DBInstance'));
    assert.equal(instances.length, 2);
    const [replicaId, replica] = instances.find(([id]) => id !== primary)!;
    assert.ok(referencedIds(replica.Properties.SourceDBInstanceIdentifier).has(primary));
    assert.equal(replica.Properties.PubliclyAccessible, false);
    const environment = environmentOf(container(template, 'api').definition);
    assert.ok(referencedIds(environment.DB_READ_HOST).has(replicaId));
  });

  it('alarms on replica lag too', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    assert.equal(alarms.length, 10);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReplicaLag', Namespace: 'AWS/RDS' });
  });

  it('mails the alarms to alarmEmail', () => {
    const [topic] = one(template, 'AWS::SNS::Topic', 'AlarmTopic');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topic } });
  });

  it('exports traces to the collector, and lets the tasks reach its port', () => {
    const environment = environmentOf(container(template, 'api').definition);
    assert.equal(environment.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://collector.internal:4318');
    const [taskGroup, group] = one(template, 'AWS::EC2::SecurityGroup', 'TaskSecurityGroup');
    assert.ok(taskGroup);
    const egress = group.Properties!.SecurityGroupEgress as Array<{ FromPort: number }>;
    assert.deepEqual(egress.map((rule) => rule.FromPort).sort((a, b) => a - b), [443, 4318]);
  });
});
