// The stack as `cdk synth -c certificateArn=…` builds it, checked with aws-cdk-lib/assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { MIGRATE_COMMAND } from '../lib/migration';
import { REQUESTS_PER_TASK_PER_MINUTE, METRICS_PORT, RDS_CA_FILE } from '../lib/spendsense-stack';
import {
  certificateArn,
  container,
  dependencyGraph,
  environmentOf,
  findCycle,
  one,
  referencedIds,
  resources,
  secretSourcesOf,
  synthFromContext,
  waitsFor,
} from './helpers';

const template = synthFromContext({ certificateArn });
const all = resources(template);
const graph = dependencyGraph(template);
const [ownerAttachment] = one(template, 'AWS::SecretsManager::SecretTargetAttachment', 'DatabaseSecretAttachment');
const [appAttachment] = one(template, 'AWS::SecretsManager::SecretTargetAttachment', 'AppDatabaseSecretAttachment');
const [databaseId, databaseResource] = one(template, 'AWS::RDS::DBInstance');
const [triggerId] = one(template, 'Custom::Trigger');
const [serviceId] = one(template, 'AWS::ECS::Service');
const api = container(template, 'api');
const migrate = container(template, 'migrate');

describe('HTTPS by default', () => {
  it('serves HTTPS on 443 with the given certificate and a TLS 1.3/1.2 policy', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: certificateArn }],
      SslPolicy: Match.stringLikeRegexp('^ELBSecurityPolicy-TLS13-1-2-'),
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  it('answers plain HTTP on 80 with a 301 to HTTPS, and forwards nothing there', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });
});

describe('health checks', () => {
  it('sends traffic only to targets whose GET /readyz answers 200', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/readyz',
      Matcher: { HttpCode: '200' },
      TargetType: 'ip',
    });
  });

  it('keeps the container check on /healthz (liveness), so a database blip does not restart every task', () => {
    assert.match(api.definition.HealthCheck!.Command.join(' '), /\/healthz/);
  });
});

describe('the metrics port', () => {
  it('is not mapped, listened on or let in: the task takes only the ALB, on 8000', () => {
    assert.deepEqual(api.definition.PortMappings?.map((mapping) => mapping.ContainerPort), [8000]);
    assert.equal(environmentOf(api.definition).METRICS_PORT, String(METRICS_PORT));
    const [taskGroup] = one(template, 'AWS::EC2::SecurityGroup', 'TaskSecurityGroup');
    const [albGroup] = one(template, 'AWS::EC2::SecurityGroup', 'ApiLBSecurityGroup');
    const intoTasks = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((rule) =>
      referencedIds(rule.Properties.GroupId).has(taskGroup),
    );
    assert.deepEqual(
      intoTasks.map((rule) => [rule.Properties.FromPort, rule.Properties.ToPort, [...referencedIds(rule.Properties.SourceSecurityGroupId)]]),
      [[8000, 8000, [albGroup]]],
    );
    for (const listener of Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener'))) {
      assert.notEqual(listener.Properties.Port, METRICS_PORT);
    }
  });
});

describe('the database', () => {
  it('is not publicly accessible, TLS only through its parameter group, and lives in the isolated db subnets', () => {
    const properties = databaseResource.Properties!;
    assert.equal(properties.PubliclyAccessible, false);
    const [subnetGroup, group] = one(template, 'AWS::RDS::DBSubnetGroup');
    assert.ok(referencedIds(properties.DBSubnetGroupName).has(subnetGroup));
    const subnets = [...referencedIds(group.Properties!.SubnetIds)];
    assert.equal(subnets.length, 2);
    for (const subnet of subnets) {
      assert.match(subnet, /^VpcdbSubnet/);
      // No route out of those subnets: no default route through the internet or a NAT gateway.
      const routeTables = Object.values(template.findResources('AWS::EC2::SubnetRouteTableAssociation'))
        .filter((association) => referencedIds(association.Properties.SubnetId).has(subnet))
        .flatMap((association) => [...referencedIds(association.Properties.RouteTableId)]);
      const routes = Object.values(template.findResources('AWS::EC2::Route')).filter((route) =>
        routeTables.some((table) => referencedIds(route.Properties.RouteTableId).has(table)),
      );
      assert.deepEqual(routes, []);
    }
  });

  it('has Performance Insights (7 days) and enhanced monitoring on', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      EnablePerformanceInsights: true,
      PerformanceInsightsRetentionPeriod: 7,
      MonitoringInterval: 60,
    });
  });

  it('takes a parameter group that forces TLS, logs slow statements without their values and loads pg_stat_statements', () => {
    const [parameterGroup] = one(template, 'AWS::RDS::DBParameterGroup');
    assert.ok(referencedIds(databaseResource.Properties!.DBParameterGroupName).has(parameterGroup));
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres18',
      Parameters: Match.objectLike({
        'rds.force_ssl': '1',
        log_min_duration_statement: '500',
        log_parameter_max_length: '0',
        shared_preload_libraries: 'pg_stat_statements',
      }),
    });
  });

  it('rotates both secrets every 30 days: the owner single-user, the app login multi-user', () => {
    const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'));
    assert.deepEqual(
      schedules.map((schedule) => [...referencedIds(schedule.Properties.SecretId)]).sort(),
      [[appAttachment], [ownerAttachment]].sort(),
    );
    for (const schedule of schedules) assert.equal(schedule.Properties.RotationRules.ScheduleExpression, 'rate(30 days)');
    const applications = Object.keys(template.findResources('AWS::Serverless::Application'));
    assert.deepEqual(applications.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort(), ['DatabaseAppDatabaseSecretRotation', 'DatabaseRotationSingleUser']);
  });

  it('keeps the app login secret rotatable by the owner (masterarn) and out of the owner secret', () => {
    const [, secret] = one(template, 'AWS::SecretsManager::Secret', 'AppDatabaseSecret');
    const generate = secret.Properties!.GenerateSecretString as { SecretStringTemplate: unknown };
    const templateText = JSON.stringify(generate.SecretStringTemplate);
    assert.match(templateText, /spendsense_api/);
    assert.match(templateText, /masterarn/);
  });
});

describe('the service connects as the app login, never as the owner', () => {
  it('takes every DB_* secret from the app login secret', () => {
    const sources = secretSourcesOf(api.definition);
    for (const name of ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']) assert.deepEqual(sources[name], [appAttachment], name);
    assert.ok(!Object.values(sources).flat().includes(ownerAttachment));
  });

  it('cannot read the owner secret: its execution role is granted the app login secret and the JWT key only', () => {
    const [executionRole] = one(template, 'AWS::IAM::Role', 'ApiTaskDefExecutionRole');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.Roles as unknown[]).some((role) => referencedIds(role).has(executionRole)),
    );
    const secretResources = new Set(
      policies
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
        .filter((statement) => ([] as string[]).concat(statement.Action).some((action) => action.startsWith('secretsmanager:')))
        .flatMap((statement) => [...referencedIds(statement.Resource)]),
    );
    assert.ok(secretResources.has(appAttachment));
    assert.ok(!secretResources.has(ownerAttachment));
  });

  it('verifies the RDS certificate and does not migrate at start', () => {
    const environment = environmentOf(api.definition);
    assert.equal(environment.DB_SSLMODE, 'verify-full');
    assert.equal(environment.DB_SSL_ROOT_CERT, RDS_CA_FILE);
    assert.equal(environment.MIGRATE_ON_START, 'false');
    assert.equal(environment.NODE_ENV, 'production');
    assert.ok(!('DATABASE_URL' in environment));
  });
});

describe('the migration task', () => {
  it('runs the same image with the migrate command, as the owner, and creates the app login from its secret', () => {
    assert.deepEqual(migrate.definition.Command, MIGRATE_COMMAND);
    assert.deepEqual(migrate.definition.Command, ['node', 'dist/cli/migrate.js']);
    assert.deepEqual(migrate.definition.Image, api.definition.Image);
    const sources = secretSourcesOf(migrate.definition);
    for (const name of ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD']) assert.deepEqual(sources[name], [ownerAttachment], name);
    assert.deepEqual(sources.APP_DB_USER, [appAttachment]);
    assert.deepEqual(sources.APP_DB_PASSWORD, [appAttachment]);
    assert.equal(environmentOf(migrate.definition).DB_SSLMODE, 'verify-full');
  });

  it('runs during the deployment, after the database and its network rules, before the service and the rotations', () => {
    const trigger = all[triggerId]!;
    const [runner] = one(template, 'AWS::Lambda::Function', 'MigrationRunner');
    assert.ok(waitsFor(graph, triggerId, runner));
    assert.ok(waitsFor(graph, triggerId, databaseId));
    assert.ok(waitsFor(graph, triggerId, migrate.taskDefinitionId));
    const [migrationIngress] = one(template, 'AWS::EC2::SecurityGroupIngress', 'MigrationDatabaseIngress');
    assert.ok(waitsFor(graph, triggerId, migrationIngress));
    assert.ok(waitsFor(graph, serviceId, triggerId));
    for (const schedule of Object.keys(template.findResources('AWS::SecretsManager::RotationSchedule'))) assert.ok(waitsFor(graph, schedule, triggerId), schedule);
    assert.equal(trigger.Properties!.InvocationType, 'RequestResponse');
  });

  it('runs again whenever the image changes: the runner’s configuration carries the image hash', () => {
    const [, runner] = one(template, 'AWS::Lambda::Function', 'MigrationRunner');
    const environment = (runner.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    assert.match(String(environment.IMAGE_REVISION), /^[0-9a-f]{64}$/);
    assert.ok(JSON.stringify(api.definition.Image).includes(String(environment.IMAGE_REVISION)));
    assert.ok(referencedIds(environment.TASK_DEFINITION_ARN).has(migrate.taskDefinitionId));
  });

  it('lets the runner start only the migration task definition', () => {
    const runTask = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
      .filter((statement) => ([] as string[]).concat(statement.Action).includes('ecs:RunTask'));
    assert.equal(runTask.length, 1);
    assert.ok(JSON.stringify(runTask[0]!.Resource).includes(migrate.taskDefinitionId));
  });
});

describe('alarms and dashboards', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const metricNames = (alarm: (typeof alarms)[number]): string[] =>
    alarm.Properties.MetricName ? [alarm.Properties.MetricName] : alarm.Properties.Metrics.flatMap((m: { MetricStat?: { Metric: { MetricName: string } } }) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));

  it('has the nine alarms, each telling the topic on ALARM and on OK', () => {
    assert.equal(alarms.length, 9);
    const [topic] = one(template, 'AWS::SNS::Topic', 'AlarmTopic');
    for (const alarm of alarms) {
      assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topic }]);
      assert.deepEqual(alarm.Properties.OKActions, [{ Ref: topic }]);
    }
  });

  it('watches the 5xx rate as target and load balancer 5xx over requests', () => {
    const errorRate = alarms.find((alarm) => (alarm.Properties.Metrics ?? []).some((m: { Expression?: string }) => m.Expression));
    assert.ok(errorRate);
    assert.deepEqual(metricNames(errorRate).sort(), ['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'RequestCount']);
    assert.equal(errorRate.Properties.Threshold, 5);
  });

  it('watches p99 latency, target health, service CPU and memory, database connections, CPU and free storage', () => {
    const watched = alarms.flatMap(metricNames);
    for (const name of ['TargetResponseTime', 'UnHealthyHostCount', 'HealthyHostCount', 'MemoryUtilization', 'DatabaseConnections', 'FreeStorageSpace']) {
      assert.ok(watched.includes(name), name);
    }
    assert.equal(watched.filter((name) => name === 'CPUUtilization').length, 2);
    const p99 = alarms.find((alarm) => metricNames(alarm).includes('TargetResponseTime'))!;
    assert.equal(p99.Properties.Metrics[0].MetricStat.Stat, 'p99');
    assert.ok(!watched.includes('ReplicaLag'), 'no replica, no replica lag alarm');
  });

  it('has a dashboard and Container Insights', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('autoscaling', () => {
  it('tracks CPU at 60 % and ALB requests per target', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60 }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: REQUESTS_PER_TASK_PER_MINUTE,
      }),
    });
  });

  it('restarts the tasks weekly, so none holds a database password older than a rotation', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(7 days)' });
  });
});

describe('defaults', () => {
  it('has one NAT gateway and no WAF', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it('has no dependency cycle (CloudFormation would refuse one at deploy time)', () => {
    assert.equal(findCycle(graph), undefined);
  });
});
