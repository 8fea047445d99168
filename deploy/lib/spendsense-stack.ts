import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface SpendSenseStackProps extends cdk.StackProps {
  /** ACM certificate for the ALB. When set, the ALB serves HTTPS on 443 and redirects 80. */
  readonly certificateArn?: string | undefined;
}

const CONTAINER_PORT = 8000;
const DATABASE_NAME = 'spendsense';
const DATABASE_USER = 'spendsense';

/** The repository root: the Docker build context (its .dockerignore applies). */
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export class SpendSenseStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: SpendSenseStackProps = {}) {
    super(scope, id, props);

    // Public subnets hold the ALB and the NAT gateway, tasks run in private subnets with egress
    // (ECR, Secrets Manager, CloudWatch Logs through the NAT), the database in isolated subnets.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    // Inbound only from the tasks (added below); the database never opens connections itself.
    const databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: 'SpendSense PostgreSQL',
      allowAllOutbound: false,
    });

    const database = new rds.DatabaseInstance(this, 'Database', {
      // VER_18 = major version only; RDS picks the current 18.x minor and upgrades minors.
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [databaseSecurityGroup],
      publiclyAccessible: false,
      databaseName: DATABASE_NAME,
      // Username + generated password in Secrets Manager; RDS adds host/port/engine to it.
      // URL-reserved characters are excluded as a second line of defence: the app still
      // percent-encodes user and password when it builds the URL.
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER, {
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,^',
      }),
      multiAz: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      storageEncrypted: true,
      backupRetention: cdk.Duration.days(7),
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
      deletionProtection: true,
      removalPolicy: cdk.RemovalPolicy.SNAPSHOT,
    });
    const databaseSecret = database.secret;
    if (!databaseSecret) throw new Error('the database was created without a generated secret');

    const jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'SpendSense JWT signing key (HS256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });

    const logGroup = new logs.LogGroup(this, 'ApiLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });

    // Tasks may only talk out on 443 (AWS APIs via the NAT) and to the database; the
    // pattern below adds the one inbound rule: ALB -> task on the container port.
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'SpendSense API tasks',
      allowAllOutbound: false,
    });
    taskSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs)',
    );

    const certificate = props.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
      : undefined;

    const api = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Api', {
      cluster,
      desiredCount: 2,
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [taskSecurityGroup],
      publicLoadBalancer: true,
      ...(certificate
        ? {
            certificate,
            protocol: elbv2.ApplicationProtocol.HTTPS,
            redirectHTTP: true,
            sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          }
        : {}),
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // Start-up applies migrations before /readyz turns green.
      healthCheckGracePeriod: cdk.Duration.seconds(90),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      taskImageOptions: {
        containerName: 'api',
        // Built from the repository's Dockerfile at deploy time (synth only hashes the files).
        image: ecs.ContainerImage.fromAsset(REPOSITORY_ROOT, {
          platform: Platform.LINUX_AMD64,
          exclude: ['**/node_modules', '.git', 'dist', '.data', 'coverage', 'deploy', '**/cdk.out'],
        }),
        containerPort: CONTAINER_PORT,
        environment: {
          NODE_ENV: 'production',
          PORT: String(CONTAINER_PORT),
          LOG_LEVEL: 'info',
          // 0.5 vCPU per task: one process; scale out with tasks, not workers.
          WEB_CONCURRENCY: '1',
          // One proxy (the ALB) in front: the client address for sign-in throttling comes
          // from its X-Forwarded-For.
          TRUST_PROXY: '1',
          DB_NAME: DATABASE_NAME,
          // RDS for PostgreSQL 15+ enforces TLS (rds.force_ssl=1). The RDS CA is not in
          // Node's default trust store, see deploy/README.md for switching to verify-full.
          DB_SSLMODE: 'no-verify',
        },
        // DATABASE_URL cannot be assembled from a secret at deploy time without leaking the
        // password into the task definition, so the parts are injected and the app joins them.
        secrets: {
          DB_HOST: ecs.Secret.fromSecretsManager(databaseSecret, 'host'),
          DB_PORT: ecs.Secret.fromSecretsManager(databaseSecret, 'port'),
          DB_USER: ecs.Secret.fromSecretsManager(databaseSecret, 'username'),
          DB_PASSWORD: ecs.Secret.fromSecretsManager(databaseSecret, 'password'),
          JWT_SECRET: ecs.Secret.fromSecretsManager(jwtSecret),
        },
        logDriver: ecs.LogDrivers.awsLogs({ streamPrefix: 'api', logGroup }),
      },
      // Liveness inside the task (the image's HEALTHCHECK is ignored by ECS); readiness is
      // the ALB's /readyz check below.
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

    api.targetGroup.configureHealthCheck({
      path: '/readyz',
      healthyHttpCodes: '200',
      interval: cdk.Duration.seconds(15),
      timeout: cdk.Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    });
    // Shorter than the 300 s default: the app drains in-flight requests on SIGTERM, which
    // ECS sends after deregistration.
    api.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '30');

    // task -> database on 5432 (adds the DB ingress rule and the task egress rule).
    database.connections.allowDefaultPortFrom(api.service, 'SpendSense API tasks');

    const scaling = api.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 6 });
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: cdk.Duration.seconds(60),
      scaleInCooldown: cdk.Duration.seconds(300),
    });

    new cdk.CfnOutput(this, 'DatabaseEndpoint', { value: database.dbInstanceEndpointAddress });
    new cdk.CfnOutput(this, 'DatabaseSecretArn', { value: databaseSecret.secretArn });
    new cdk.CfnOutput(this, 'JwtSecretArn', { value: jwtSecret.secretArn });
    new cdk.CfnOutput(this, 'LogGroupName', { value: logGroup.logGroupName });
  }
}
