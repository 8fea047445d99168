import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { allowDatabaseAccess, type Database } from './database';
import { appSubnets } from './network';

export const MIGRATION_CONTAINER = 'migrate';
export const MIGRATE_COMMAND = ['node', 'dist/cli/migrate.js'];

export interface MigrationProps {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly image: ecs.ContainerImage;
  /** Changes whenever the image does (its asset hash): a new image runs the migrations again. */
  readonly imageRevision: string;
  readonly database: Database;
  /** Plain settings shared with the service (NODE_ENV, DB_NAME, DB_SSLMODE, DB_SSL_ROOT_CERT …). */
  readonly environment: Record<string, string>;
  readonly logGroup: logs.ILogGroup;
}

export interface Migration {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly runner: lambda.Function;
  readonly trigger: triggers.Trigger;
}

/**
 * The one-off migration task and what runs it during a deployment.
 *
 * The task is the API image with `node dist/cli/migrate.js`: it logs in as the owner (the only
 * holder of the owner's secret), applies pending migrations, and makes sure the app login exists
 * with the app secret's current password (APP_DB_USER / APP_DB_PASSWORD).
 *
 * aws-cdk-lib/triggers runs a Lambda function as a deployment step, ordered like a resource: after
 * the database, the secrets and the network exist, before the service is created or updated. The
 * function calls ecs:RunTask and polls ecs:DescribeTasks until the task stops; a non-zero exit
 * fails the step and CloudFormation rolls back, so the service never rolls onto a schema that
 * failed to migrate. A trigger runs again whenever its function's configuration changes, and the
 * function's environment holds the image's asset hash: every new image migrates once, first.
 */
export function createMigration(scope: Construct, props: MigrationProps): Migration {
  const { vpc, cluster, database } = props;
  const securityGroup = new ec2.SecurityGroup(scope, 'MigrationSecurityGroup', {
    vpc,
    description: 'SpendSense migration task: out to AWS APIs and the database, nothing in',
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs)');
  const databaseAccess = allowDatabaseAccess(scope, 'Migration', database, securityGroup, 'SpendSense migration task');

  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'MigrationTask', {
    cpu: 256,
    memoryLimitMiB: 512,
    runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
  });
  taskDefinition.addContainer(MIGRATION_CONTAINER, {
    containerName: MIGRATION_CONTAINER,
    image: props.image,
    command: MIGRATE_COMMAND,
    environment: props.environment,
    secrets: {
      DB_HOST: ecs.Secret.fromSecretsManager(database.ownerSecret, 'host'),
      DB_PORT: ecs.Secret.fromSecretsManager(database.ownerSecret, 'port'),
      DB_USER: ecs.Secret.fromSecretsManager(database.ownerSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(database.ownerSecret, 'password'),
      APP_DB_USER: ecs.Secret.fromSecretsManager(database.appSecret, 'username'),
      APP_DB_PASSWORD: ecs.Secret.fromSecretsManager(database.appSecret, 'password'),
    },
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: MIGRATION_CONTAINER, logGroup: props.logGroup }),
    // It writes nothing: migrations are files in the image, results go to the database and the log.
    readonlyRootFilesystem: true,
  });

  const runner = new lambda.Function(scope, 'MigrationRunner', {
    description: 'Runs the SpendSense migration task during a deployment and waits for it to finish',
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda', 'run-migration-task')),
    timeout: cdk.Duration.minutes(14),
    memorySize: 256,
    environment: {
      CLUSTER_ARN: cluster.clusterArn,
      TASK_DEFINITION_ARN: taskDefinition.taskDefinitionArn,
      CONTAINER_NAME: MIGRATION_CONTAINER,
      SUBNET_IDS: vpc.selectSubnets(appSubnets).subnetIds.join(','),
      SECURITY_GROUP_IDS: securityGroup.securityGroupId,
      LOG_GROUP_NAME: props.logGroup.logGroupName,
      IMAGE_REVISION: props.imageRevision,
    },
  });
  // ecs:RunTask on this task definition and iam:PassRole for its task and execution roles.
  taskDefinition.grantRun(runner);
  runner.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ecs:DescribeTasks'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    }),
  );

  const trigger = new triggers.Trigger(scope, 'MigrateBeforeRollout', {
    handler: runner,
    invocationType: triggers.InvocationType.REQUEST_RESPONSE,
    // A little longer than the function may run, so its own error message is what is reported.
    timeout: cdk.Duration.minutes(14).plus(cdk.Duration.seconds(30)),
    // The task needs the database, both secrets with host and port attached (its task definition
    // refers to them, which orders them first already), the network with its NAT routes and its
    // way to the database. The instance's own resource only: its construct also holds the owner's
    // rotation, which must wait for the trigger (below).
    executeAfter: [database.instance.node.defaultChild as Construct, vpc, ...databaseAccess],
  });
  // Rotation creates the login's alternate by granting it the login, which must exist by then.
  trigger.executeBefore(...database.rotations);
  return { taskDefinition, securityGroup, runner, trigger };
}
