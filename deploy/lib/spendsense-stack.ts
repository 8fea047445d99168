import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { createObservability } from './alarms';
import { checkDeployOptions, type DeployOptions } from './context';
import { allowDatabaseAccess, createDatabase, DATABASE_NAME } from './database';
import { createMigration } from './migration';
import { appSubnets, createVpc } from './network';
import { protectWithWaf } from './waf';

export interface SpendSenseStackProps extends cdk.StackProps, DeployOptions {}

export const CONTAINER_PORT = 8000;
/** Prometheus /metrics: served inside the task only, never behind the load balancer. */
export const METRICS_PORT = 9464;
/** The RDS CA bundle the image writes at build time (`node dist/cli/write-rds-ca.js`). */
export const RDS_CA_FILE = '/app/certs/rds-ca.pem';
/**
 * Request-count scaling target per task per minute (ALBRequestCountPerTarget). The benchmark's
 * reads run at 700-1,500 requests/s per core and writes at 200-300 (BENCHMARKS.md); a task has
 * 0.5 vCPU, so 100 requests/s leaves headroom for the p99 before CPU scaling would act.
 */
export const REQUESTS_PER_TASK_PER_MINUTE = 6000;
/**
 * Running tasks are replaced this often, so none holds a database password older than one
 * rotation period (ECS resolves secrets only when a task starts; see database.ts).
 */
export const CREDENTIAL_REFRESH = cdk.Duration.days(7);

/** The repository root: the Docker build context (its .dockerignore applies). */
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export class SpendSenseStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: SpendSenseStackProps = {}) {
    super(scope, id, props);
    checkDeployOptions(props);
    const natGateways = props.natGateways ?? 1;
    if (props.certificateArn && props.allowHttp) {
      cdk.Annotations.of(this).addInfoV2('spendsense:allowHttpIgnored', 'allowHttp is ignored: a certificate is given, so the ALB serves HTTPS');
    }
    if (!props.certificateArn) {
      cdk.Annotations.of(this).addWarningV2('spendsense:plainHttp', 'allowHttp=true: the ALB serves plain HTTP. Fine for a trial, not for real users’ data.');
    }

    const vpc = createVpc(this, natGateways);
    const database = createDatabase(this, vpc, { readReplica: props.readReplica === true });

    const jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'SpendSense JWT signing key (HS256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    const logGroup = new logs.LogGroup(this, 'ApiLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });

    // Built from the repository's Dockerfile at deploy time (synth only hashes the files); the
    // service and the migration task run the same image.
    const imageAsset = new DockerImageAsset(this, 'ApiImage', {
      directory: REPOSITORY_ROOT,
      platform: Platform.LINUX_AMD64,
      exclude: ['**/node_modules', '.git', 'dist', '.data', 'coverage', 'deploy', '**/cdk.out'],
    });
    const image = ecs.ContainerImage.fromDockerImageAsset(imageAsset);

    // Shared by the service and the migration task. The server's certificate is checked against
    // the RDS CA bundle baked into the image (verify-full: the chain and the host name).
    const databaseEnvironment = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DB_NAME: DATABASE_NAME,
      DB_SSLMODE: 'verify-full',
      DB_SSL_ROOT_CERT: RDS_CA_FILE,
    };

    const migration = createMigration(this, {
      vpc,
      cluster,
      image,
      imageRevision: imageAsset.assetHash,
      database,
      environment: databaseEnvironment,
      logGroup,
    });

    // Tasks may only talk out on 443 (AWS APIs) and to the database; the pattern below adds the
    // one inbound rule: ALB -> task on the container port. Nothing opens the metrics port.
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'SpendSense API tasks',
      allowAllOutbound: false,
    });
    taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs)');
    const otlpPort = props.otlpEndpoint ? portOf(props.otlpEndpoint) : undefined;
    if (otlpPort !== undefined && otlpPort !== 443) {
      taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(otlpPort), 'OTLP/HTTP to the trace collector');
    }

    const certificate = props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined;
    const listener = certificate
      ? {
          certificate,
          protocol: elbv2.ApplicationProtocol.HTTPS,
          // Port 80 answers 301 to https://…:443 for every path.
          redirectHTTP: true,
          // TLS 1.3 and 1.2 with AEAD ciphers only, post-quantum hybrid key exchange.
          sslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
        }
      : { protocol: elbv2.ApplicationProtocol.HTTP };

    const api = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Api', {
      cluster,
      desiredCount: 2,
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskSubnets: appSubnets,
      securityGroups: [taskSecurityGroup],
      publicLoadBalancer: true,
      ...listener,
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // No migrations at start any more (the migration task ran first): /readyz turns green quickly.
      healthCheckGracePeriod: cdk.Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      taskImageOptions: {
        containerName: 'api',
        image,
        // Only the API port is mapped; /metrics on METRICS_PORT stays inside the task.
        containerPort: CONTAINER_PORT,
        environment: {
          ...databaseEnvironment,
          PORT: String(CONTAINER_PORT),
          METRICS_PORT: String(METRICS_PORT),
          // The login cannot change the schema; the migration task already migrated.
          MIGRATE_ON_START: 'false',
          // 0.5 vCPU per task: one process; scale out with tasks, not workers.
          WEB_CONCURRENCY: '1',
          // One proxy (the ALB) in front: the client address for throttling comes from its X-Forwarded-For.
          TRUST_PROXY: '1',
          ...(database.replica ? { DB_READ_HOST: database.replica.dbInstanceEndpointAddress, DB_READ_PORT: database.replica.dbInstanceEndpointPort } : {}),
          ...(props.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: props.otlpEndpoint, OTEL_SERVICE_NAME: 'spendsense-api' } : {}),
        },
        // DATABASE_URL cannot be assembled from a secret at deploy time without writing the
        // password into the task definition, so the parts are injected and the app joins them.
        // All four come from the app login's secret: the tasks never see the owner's.
        secrets: {
          DB_HOST: ecs.Secret.fromSecretsManager(database.appSecret, 'host'),
          DB_PORT: ecs.Secret.fromSecretsManager(database.appSecret, 'port'),
          DB_USER: ecs.Secret.fromSecretsManager(database.appSecret, 'username'),
          DB_PASSWORD: ecs.Secret.fromSecretsManager(database.appSecret, 'password'),
          JWT_SECRET: ecs.Secret.fromSecretsManager(jwtSecret),
        },
        logDriver: ecs.LogDrivers.awsLogs({ streamPrefix: 'api', logGroup }),
      },
      // Liveness inside the task (the image's HEALTHCHECK is ignored by ECS): /healthz, the
      // process alone. Readiness (database reachable, migrations current) is the ALB's /readyz
      // below; ECS also replaces tasks that keep failing it. Restarting every task whenever the
      // database is briefly away would turn a blip into an outage.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
        interval: cdk.Duration.seconds(30),
        timeout: cdk.Duration.seconds(5),
        retries: 3,
        startPeriod: cdk.Duration.seconds(30),
      },
    });
    // The service rolls (and on the first deploy starts) only after the migration task succeeded.
    migration.trigger.executeBefore(api.service);

    api.targetGroup.configureHealthCheck({
      path: '/readyz',
      healthyHttpCodes: '200',
      interval: cdk.Duration.seconds(15),
      timeout: cdk.Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    });
    // Shorter than the 300 s default: the app drains in-flight requests on SIGTERM, which ECS
    // sends after deregistration.
    api.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '30');

    // task -> database (and replica: same security group) on 5432, in place before the tasks start.
    api.service.node.addDependency(...allowDatabaseAccess(this, 'Api', database, taskSecurityGroup, 'SpendSense API tasks'));

    const scaling = api.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 6 });
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: cdk.Duration.seconds(60),
      scaleInCooldown: cdk.Duration.seconds(300),
    });
    scaling.scaleOnRequestCount('RequestScaling', {
      requestsPerTarget: REQUESTS_PER_TASK_PER_MINUTE,
      targetGroup: api.targetGroup,
      scaleOutCooldown: cdk.Duration.seconds(60),
      scaleInCooldown: cdk.Duration.seconds(300),
    });

    // A rolling restart each week: new tasks read the current database password (see CREDENTIAL_REFRESH).
    new events.Rule(this, 'RefreshDatabaseCredentials', {
      description: 'Weekly rolling restart of the SpendSense API so every task holds the current database password',
      schedule: events.Schedule.rate(CREDENTIAL_REFRESH),
      targets: [
        new targets.AwsApi({
          service: 'ECS',
          action: 'updateService',
          parameters: { cluster: cluster.clusterName, service: api.service.serviceName, forceNewDeployment: true },
          policyStatement: new iam.PolicyStatement({ actions: ['ecs:UpdateService'], resources: [api.service.serviceArn] }),
        }),
      ],
    });

    const observability = createObservability(this, {
      loadBalancer: api.loadBalancer,
      targetGroup: api.targetGroup,
      cluster,
      service: api.service,
      database: database.instance,
      replica: database.replica,
      alarmEmail: props.alarmEmail,
    });

    if (props.waf) protectWithWaf(this, api.loadBalancer);

    new cdk.CfnOutput(this, 'DatabaseEndpoint', { value: database.instance.dbInstanceEndpointAddress });
    if (database.replica) new cdk.CfnOutput(this, 'ReadReplicaEndpoint', { value: database.replica.dbInstanceEndpointAddress });
    new cdk.CfnOutput(this, 'DatabaseSecretArn', { description: 'The owner (migrations only)', value: database.ownerSecret.secretArn });
    new cdk.CfnOutput(this, 'AppDatabaseSecretArn', { description: 'The app login the tasks use', value: database.appSecret.secretArn });
    new cdk.CfnOutput(this, 'JwtSecretArn', { value: jwtSecret.secretArn });
    new cdk.CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });
    new cdk.CfnOutput(this, 'MigrationTaskDefinitionArn', { value: migration.taskDefinition.taskDefinitionArn });
    new cdk.CfnOutput(this, 'MigrationRunnerName', {
      description: 'Invoke to run the migration task again: aws lambda invoke --function-name <this> out.json',
      value: migration.runner.functionName,
    });
    new cdk.CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
    new cdk.CfnOutput(this, 'DashboardName', { value: observability.dashboard.dashboardName });
  }
}

function portOf(endpoint: string): number {
  const url = new URL(endpoint);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
